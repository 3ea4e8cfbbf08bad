/**
 * The Gemini simulator: a real HTTP server speaking the Gemini REST protocol (online and Batch API),
 * with latency, quotas, injected errors and counters, for {@code local}, {@code bench} and the tests.
 */
package io.github.geministreams.simulator;
