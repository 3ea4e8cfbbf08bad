package io.github.geministreams.topology.cache;

import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The cache keys ({@link CacheKey}) whose first request is open on this instance: collecting in
 * a bundle, waiting for a permit or at Gemini, in any of its tasks. A repeat of such a key read
 * meanwhile, in any task, joins the key's {@link Flight} and waits for its answer instead of
 * asking Gemini again ({@link HeldRepeats}); the first copy's task settles the flight with the
 * answer it forwards, or fails it when there will be none.
 *
 * <p><b>Bounded.</b> A flight is in the map while its first copy is open (one per item in a
 * task's memory or at Gemini); once answered, until its task {@link #retire retires} it (when
 * the answer can be read from the cache store, at most a request timeout later, and no more
 * than a task's memory limit of them at a time) and the last repeat waiting on it has taken
 * the answer; a failed flight leaves at once. So the map holds the items the instance's tasks
 * hold in memory or in flight, and the answers of about one commit interval.
 *
 * <p><b>Thread-safe.</b> Tasks on different stream threads claim, join, settle and leave flights
 * concurrently: each change of a key's flight happens inside the map's atomic {@code compute}
 * of that key, and a flight's outcome, once set, never changes (it is read without a lock).
 * Only in memory: a crash forgets it, and each repeat is read back from its pending store.
 */
public final class OpenCacheKeys {
    private final ConcurrentHashMap<String, Flight> flights = new ConcurrentHashMap<>();
    private final String instance = UUID.randomUUID().toString();

    /** The first request of one cache key on this instance, and the repeats waiting for its answer. */
    static final class Flight {
        private final String cacheKey;
        /** Repeats that joined and have not left; changed only inside the map's compute of the key. */
        private int waiters;
        /** No new repeat joins: set inside the map's compute of the key. */
        private boolean retired;
        private volatile boolean settled;
        private volatile CacheEntry answer;

        private Flight(String cacheKey) {
            this.cacheKey = cacheKey;
        }

        /** The answer, once the first copy has one; null while open, or for good when it failed. */
        CacheEntry answer() {
            return answer;
        }

        String cacheKey() {
            return cacheKey;
        }

        /** True once the first copy was answered or failed: a repeat waits no longer. */
        boolean settled() {
            return settled;
        }
    }

    /** What {@link #claimOrJoin} did: the flight, and whether the caller opened it (it is the first copy). */
    record Ticket(Flight flight, boolean claimed) {
    }

    /**
     * Opens a flight for {@code cacheKey} when none is open (the caller's item is the first copy
     * and must settle it), else joins the open one as a waiting repeat (which must {@link #leave}).
     */
    Ticket claimOrJoin(String cacheKey) {
        Flight[] opened = new Flight[1];
        Flight flight = flights.compute(cacheKey, (key, current) -> {
            if (current == null || current.retired) {
                // A retired flight's repeats still hold it; the map moves on to a new first copy.
                opened[0] = new Flight(key);
                return opened[0];
            }
            current.waiters++;
            return current;
        });
        return new Ticket(flight, opened[0] != null);
    }

    /**
     * The first copy of {@code flight} was answered with {@code answer}: the repeats waiting on it
     * take it, and so do repeats that join until the flight is {@link #retire retired}.
     */
    void answered(Flight flight, CacheEntry answer) {
        flight.answer = answer;
        flight.settled = true;
    }

    /** An answered flight is no longer needed (the cache store has its answer): it goes once its repeats left. */
    void retire(Flight flight) {
        flights.computeIfPresent(flight.cacheKey, (key, current) -> {
            if (current != flight) {
                return current;
            }
            current.retired = true;
            return current.waiters == 0 ? null : current;
        });
    }

    /** The first copy of {@code flight} will not be answered here (dead-lettered, not cacheable, its task closed). */
    void failed(Flight flight) {
        flight.settled = true;
        flights.remove(flight.cacheKey, flight);
    }

    /** A repeat that joined {@code flight} waits no longer (it took the answer, or goes to Gemini itself). */
    void leave(Flight flight) {
        flights.computeIfPresent(flight.cacheKey, (key, current) -> {
            if (current != flight) {
                return current;
            }
            current.waiters--;
            return current.retired && current.waiters == 0 ? null : current;
        });
    }

    /**
     * This instance's name in the in-flight markers it writes to the cache topic ({@link CacheEntry#pendingOn}),
     * so that its repeats wait on its own flights, not on its markers. New at every start (instances have no
     * stable name): a restarted instance takes its previous run's markers for another's, and a prompt of such
     * a key read back waits until that marker runs out (at most a request timeout).
     */
    public String instance() {
        return instance;
    }

    /** Cache keys with a flight now. */
    public int size() {
        return flights.size();
    }
}
