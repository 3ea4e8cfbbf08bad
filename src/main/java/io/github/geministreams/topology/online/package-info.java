/**
 * Online Gemini requests: bundles (the items of one request: up to 100 texts of an embed request,
 * or one generate prompt), how they fill and are dispatched, the backlog read from the pending store,
 * per-key order, completions and the check of structured answers.
 */
package io.github.geministreams.topology.online;
