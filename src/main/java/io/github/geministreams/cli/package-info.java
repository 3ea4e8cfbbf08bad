/**
 * The commands ({@code run}, {@code local}, {@code produce}, {@code consume}, {@code topics}, {@code simulator},
 * {@code bench}) and what they print. The top of the package stack: nothing imports it.
 */
package io.github.geministreams.cli;
