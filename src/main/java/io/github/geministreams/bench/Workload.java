package io.github.geministreams.bench;

/** What the benchmark's prompts ask for. */
public enum Workload {
    EMBED(1.0),
    GENERATE(0.0),
    /** Every other prompt embeds, the rest generate. */
    MIXED(0.5);

    private final double embedShare;

    Workload(double embedShare) {
        this.embedShare = embedShare;
    }

    /** The task of prompt number {@code index}: {@code embed} or {@code generate}. */
    public String task(int index) {
        return switch (this) {
            case EMBED -> "embed";
            case GENERATE -> "generate";
            case MIXED -> index % 2 == 0 ? "generate" : "embed";
        };
    }

    /** The fraction of prompts that embed. */
    public double embedShare() {
        return embedShare;
    }
}
