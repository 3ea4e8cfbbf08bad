/**
 * The meters of the pipeline (Micrometer, Prometheus format) and the {@code /metrics} and
 * {@code /health} endpoints.
 */
package io.github.geministreams.metrics;
