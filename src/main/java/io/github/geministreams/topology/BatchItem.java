package io.github.geministreams.topology;

/**
 * One prompt's part in a batch: its pending-store key and the text Gemini gets.
 *
 * @param handedOver true when the task's previous owner left a handover entry for it, which
 *                   is deleted with the item's output
 */
record BatchItem(String storeKey, String text, String system, boolean handedOver) {
    BatchItem(String storeKey, String text, String system) {
        this(storeKey, text, system, false);
    }
}
