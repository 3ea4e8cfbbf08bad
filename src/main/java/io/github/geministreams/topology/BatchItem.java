package io.github.geministreams.topology;

/** One prompt's part in a batch: its pending-store key and the text Gemini gets. */
record BatchItem(String storeKey, String text, String system) {
}
