package io.github.geministreams.simulator;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.function.Supplier;

/**
 * A validated model request: what it costs against the quotas, and how to answer it once
 * admitted (answering updates the counters, so it happens only for admitted requests).
 */
record ModelCall(long requestUnits, long tokens, Supplier<ObjectNode> answer) {
}
