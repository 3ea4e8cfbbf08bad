/**
 * The embedded single-node KRaft broker that {@code local}, {@code bench} and the tests start.
 */
package io.github.geministreams.local;
