/**
 * How one instance paces its Gemini calls: the rolling quota ledger, its share of the fleet's quota,
 * the concurrency limit, request permits, retries with backoff and model fallback. Reports through
 * {@link io.github.geministreams.pacing.PacingListener}, not through the application's metrics.
 */
package io.github.geministreams.pacing;
