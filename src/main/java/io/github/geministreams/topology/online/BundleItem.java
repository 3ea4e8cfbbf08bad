package io.github.geministreams.topology.online;

import io.github.geministreams.model.PromptRequest;

/**
 * One prompt's part in a bundle: its pending-store key and the prompt Gemini gets.
 *
 * @param handedOver true when the task's previous owner left a handover entry for it, which
 *                   is deleted with the item's output
 */
public record BundleItem(String storeKey, PromptRequest request, boolean handedOver) {
    public BundleItem(String storeKey, PromptRequest request) {
        this(storeKey, request, false);
    }

    /** The prompt's text: what an embed request embeds. */
    public String text() {
        return request.prompt();
    }
}
