/**
 * Small helpers every layer may use: SHA-256 hex digests and rate-limited log lines.
 */
package io.github.geministreams.support;
