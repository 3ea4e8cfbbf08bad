/**
 * The Gemini port: the client interfaces (online and Batch API), requests, results, usage and errors.
 */
package io.github.geministreams.gemini;
