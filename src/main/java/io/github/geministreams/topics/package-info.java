/**
 * The topics of {@code topics.yaml} and their creation or check at start.
 */
package io.github.geministreams.topics;
