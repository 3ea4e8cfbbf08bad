/**
 * The google-genai adapter of the Gemini port, for the Gemini Developer API and Vertex AI. Only the
 * application wiring uses it.
 */
package io.github.geministreams.gemini.genai;
