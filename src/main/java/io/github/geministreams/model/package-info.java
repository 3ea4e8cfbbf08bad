/**
 * The records that flow through the pipeline: prompt requests and parts, pending prompts, responses
 * and embeddings.
 */
package io.github.geministreams.model;
