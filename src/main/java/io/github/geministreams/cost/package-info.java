/**
 * Prices per model and mode, and the cost estimate of an answer.
 */
package io.github.geministreams.cost;
