/**
 * The typed configuration: the settings, their layers (defaults, file, environment, flags) and
 * {@code AppConfig}, which composes the settings records of the packages below it.
 */
package io.github.geministreams.config;
