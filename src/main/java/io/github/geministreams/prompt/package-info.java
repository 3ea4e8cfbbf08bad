/**
 * Parsing and checking prompt records: templates, JSON schemas, generation settings, parts, allowed
 * models and the context guard. Knows nothing of the application's configuration.
 */
package io.github.geministreams.prompt;
