package io.github.geministreams.prompt;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaException;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * JSON Schema checks, by networknt's json-schema-validator (a maintained validator of every
 * draft; we write none): whether a schema is itself valid, and whether a JSON value matches
 * one. A schema without {@code $schema} is read as draft 2020-12. No schema is ever fetched
 * from the network (the library's default loader does not), and schemas are not cached by
 * {@code $id}, so one prompt's schema never stands in for another's. Reasons are short:
 * the first {@value #MAX_REASONS} problems, each with where it is. Thread-safe.
 *
 * <p>The library reads JSON with Jackson 3; ours is Jackson 2, so values cross as JSON text.
 */
public final class JsonSchemas {
    private static final int MAX_REASONS = 3;
    private static final SpecificationVersion DIALECT = SpecificationVersion.DRAFT_2020_12;
    private static final SchemaRegistry SCHEMAS =
            SchemaRegistry.withDefaultDialect(DIALECT, builder -> builder.schemaCacheEnabled(false));
    private static final SchemaRegistry META_SCHEMAS = SchemaRegistry.withDefaultDialect(DIALECT);

    private JsonSchemas() {
    }

    /** Why {@code schema} is not a valid JSON Schema (against its draft's meta-schema, then compiled), or empty. */
    public static Optional<String> problemOfSchema(JsonNode schema) {
        if (!schema.isObject() && !schema.isBoolean()) {
            return Optional.of("a JSON Schema must be an object, was " + schema.getNodeType());
        }
        String dialect = schema.path("$schema").isTextual() ? schema.get("$schema").asText() : DIALECT.getDialectId();
        if (SpecificationVersion.fromDialectId(dialect).isEmpty()) {
            return Optional.of("unknown $schema '" + dialect + "'; expected one of " + Arrays.stream(
                    SpecificationVersion.values()).map(SpecificationVersion::getDialectId).toList());
        }
        try {
            Schema meta = META_SCHEMAS.getSchema(SchemaLocation.of(dialect));
            Optional<String> problems = describe(meta.validate(schema.toString(), InputFormat.JSON));
            if (problems.isPresent()) {
                return problems;
            }
            // Valid by the meta-schema can still fail to compile, e.g. a $ref that resolves nowhere.
            SCHEMAS.getSchema(schema.toString(), InputFormat.JSON).initializeValidators();
            return Optional.empty();
        } catch (SchemaException | IllegalArgumentException e) {
            return Optional.of(e.getMessage());
        }
    }

    /** Why {@code value} does not match {@code schema} (a schema {@link #problemOfSchema} accepted), or empty. */
    public static Optional<String> mismatch(JsonNode value, JsonNode schema) {
        return describe(SCHEMAS.getSchema(schema.toString(), InputFormat.JSON).validate(value.toString(), InputFormat.JSON));
    }

    private static Optional<String> describe(List<com.networknt.schema.Error> errors) {
        if (errors.isEmpty()) {
            return Optional.empty();
        }
        String shown = errors.stream().limit(MAX_REASONS)
                .map(error -> {
                    String at = error.getInstanceLocation().toString();
                    return (at.isEmpty() ? "/" : at) + ": " + error.getMessage();
                })
                .collect(Collectors.joining("; "));
        return Optional.of(errors.size() > MAX_REASONS ? shown + " (and " + (errors.size() - MAX_REASONS) + " more)" : shown);
    }
}
