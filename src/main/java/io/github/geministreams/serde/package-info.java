/**
 * JSON (one shared {@code ObjectMapper}), its serde, and strict UTF-8 decoding.
 */
package io.github.geministreams.serde;
