package io.github.geministreams.jobs;

/**
 * What the tracker knows of one job: the value of its store and, as JSON, of the records on
 * the jobs topic.
 *
 * @param status               {@code RUNNING} until {@code done} reaches {@code total}, then {@code COMPLETED}
 * @param total                the declared job size, or null while no prompt has declared one
 * @param firstPromptTimestamp earliest timestamp of the job's prompts seen so far
 * @param lastOutputTime       latest time one of its prompts ended
 * @param elapsedMs            {@code lastOutputTime - firstPromptTimestamp}
 * @param costUsd              the estimated cost of the outputs of the prompts counted so far (those
 *                             with a price); a state stored before this field reads as 0
 */
public record JobState(String job, String status, Long total, long done, long succeeded, long failed,
                       long firstPromptTimestamp, long lastOutputTime, long elapsedMs, double costUsd) {
    public static final String RUNNING = "RUNNING";
    public static final String COMPLETED = "COMPLETED";

    static JobState first(JobEvent event) {
        return new JobState(event.job(), RUNNING, event.jobSize(), 0, 0, 0, event.promptTimestamp(), event.outputTime(), 0, 0)
                .plus(event);
    }

    /** This state with one more finished prompt counted; completed once {@code total} prompts ended. */
    JobState plus(JobEvent event) {
        long newDone = done + 1;
        Long newTotal = total != null ? total : event.jobSize();
        long first = Math.min(firstPromptTimestamp, event.promptTimestamp());
        long last = Math.max(lastOutputTime, event.outputTime());
        String newStatus = isCompleted() || (newTotal != null && newDone >= newTotal) ? COMPLETED : RUNNING;
        return new JobState(job, newStatus, newTotal, newDone, succeeded + (event.failed() ? 0 : 1),
                failed + (event.failed() ? 1 : 0), first, last, last - first, costUsd + event.costUsd());
    }

    boolean isCompleted() {
        return COMPLETED.equals(status);
    }
}
