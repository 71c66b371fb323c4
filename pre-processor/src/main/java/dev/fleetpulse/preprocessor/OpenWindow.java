package dev.fleetpulse.preprocessor;

import dev.fleetpulse.events.EventType;
import dev.fleetpulse.events.Region;
import dev.fleetpulse.events.VehicleEvent;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The activity of every vehicle (and region) seen in one open window of one pre-aggregator subtask: the per-event hot
 * path of the pre-processor.
 *
 * <p>Ids of the usual form, one ASCII letter and 1 to 15 digits ({@code V0000012345}), are packed into a {@code long}
 * that maps back to the same id, and each (vehicle, region) lives in three consecutive {@code long}s of one open-
 * addressing array: key, packed state, warning time. A lookup then touches one or two cache lines instead of a
 * hash-map node, a {@code String} and its bytes. Any other id goes to a {@link HashMap}, with the same semantics.
 *
 * <p>The table is far larger than the CPU caches (tens of thousands of vehicles per subtask), so a lookup is a cache
 * miss. Events are therefore applied in batches of {@link #BATCH}: first every slot of the batch is read, loads that do
 * not depend on each other and so wait for memory together, then the events are applied to slots that are now cached.
 * Applying an event is commutative (motion: OR; warnings: the later report wins), so the order within a batch does not
 * matter. Every read of the window ({@link #forEach}, {@link #isEmpty}) applies what is pending first.
 * Not thread-safe; the operator owns it.
 */
final class OpenWindow {

    /** What {@link #forEach} passes for each (vehicle, region). */
    interface Visitor {
        void accept(String vehicleId, Region region, VehicleActivity activity);
    }

    private static final int STRIDE = 3;
    private static final int INITIAL_CAPACITY = 1 << 10;
    private static final int MAX_DIGITS = 15;
    private static final long EMPTY = 0; // a packed id always has the letter in its top byte, so it is never 0

    /** Events per batch: enough cache misses to overlap, few enough to stay in registers and L1. */
    private static final int BATCH = 64;
    private static final byte NO_CHANGE = 0;
    private static final byte MOTION = 1;
    private static final byte WARNING = 2;

    private static final Region[] REGIONS = Region.values();
    private static final long MOVED = 1L << 32;
    private static final int REGION_SHIFT = 40;
    private static final long COUNT_MASK = 0xFFFF_FFFFL;

    /** Per entry, STRIDE longs: packed id ({@link #EMPTY} when free), state (region, moved, warning count), warning time. */
    private long[] entries = new long[INITIAL_CAPACITY * STRIDE];
    private int mask = INITIAL_CAPACITY - 1;
    private int size;
    /** Vehicles whose ids do not pack, each with an entry of its own in the same layout; normally empty. */
    private final Map<RegionalId, long[]> others = new HashMap<>();

    /** Events not yet applied to the table, as packed id, region bits, what changes and the warning report. */
    private final long[] pendingIds = new long[BATCH];
    private final long[] pendingRegionBits = new long[BATCH];
    private final byte[] pendingChanges = new byte[BATCH];
    private final long[] pendingTimes = new long[BATCH];
    private final int[] pendingCounts = new int[BATCH];
    private int pending;
    /** Sum of the slots read ahead of a batch; kept only so that the compiler cannot drop those reads. */
    private long readAhead;

    /** Adds one event's reading to its vehicle's activity. */
    void add(VehicleEvent event) {
        long id = pack(event.vehicleId());
        if (id == EMPTY) {
            long[] entry = others.computeIfAbsent(new RegionalId(event.vehicleId(), event.region()),
                    k -> newEntry(k.region()));
            apply(entry, 0, changeOf(event), event.timestamp(), (int) event.measurement());
            return;
        }
        int i = pending;
        pendingIds[i] = id;
        pendingRegionBits[i] = regionBits(event.region());
        pendingChanges[i] = changeOf(event);
        pendingTimes[i] = event.timestamp();
        pendingCounts[i] = (int) event.measurement();
        pending = i + 1;
        if (pending == BATCH) {
            applyPending();
        }
    }

    boolean isEmpty() {
        applyPending();
        return size == 0 && others.isEmpty();
    }

    /** Visits every (vehicle, region) once, in no particular order. */
    void forEach(Visitor visitor) {
        applyPending();
        for (int at = 0; at < entries.length; at += STRIDE) {
            if (entries[at] != EMPTY) {
                visitor.accept(unpack(entries[at]), regionOf(entries, at), activityOf(entries, at));
            }
        }
        others.forEach((key, entry) -> visitor.accept(key.vehicleId(), key.region(), activityOf(entry, 0)));
    }

    /** Empties the window, keeping its array for the next one. */
    void clear() {
        pending = 0;
        if (size > 0) {
            Arrays.fill(entries, EMPTY);
            size = 0;
        }
        others.clear();
    }

    /**
     * Applies the pending events: reads each one's home slot first (independent loads, so their cache misses overlap),
     * then claims and updates the slots, by now mostly in the cache.
     */
    private void applyPending() {
        int n = pending;
        if (n == 0) {
            return;
        }
        long[] table = entries;
        long sum = 0;
        for (int i = 0; i < n; i++) {
            sum += table[homeSlot(pendingIds[i], pendingRegionBits[i], mask) * STRIDE];
        }
        readAhead = sum;
        for (int i = 0; i < n; i++) {
            int at = claim(pendingIds[i], pendingRegionBits[i]); // first: claiming may grow, i.e. replace, the array
            apply(entries, at, pendingChanges[i], pendingTimes[i], pendingCounts[i]);
        }
        pending = 0;
    }

    private static byte changeOf(VehicleEvent event) {
        if (event.eventType() == EventType.WARNINGS) {
            return WARNING;
        }
        return event.indicatesMotion() ? MOTION : NO_CHANGE;
    }

    private static void apply(long[] entries, int at, byte change, long timestamp, int count) {
        long state = entries[at + 1];
        if (change == WARNING) {
            if (VehicleActivity.supersedes(timestamp, count, entries[at + 2], (int) (state & COUNT_MASK))) {
                entries[at + 2] = timestamp;
                entries[at + 1] = (state & ~COUNT_MASK) | (count & COUNT_MASK);
            }
        } else if (change == MOTION) {
            entries[at + 1] = state | MOVED;
        }
    }

    private static VehicleActivity activityOf(long[] entries, int at) {
        long state = entries[at + 1];
        return new VehicleActivity((state & MOVED) != 0, entries[at + 2], (int) (state & COUNT_MASK));
    }

    private static Region regionOf(long[] entries, int at) {
        return REGIONS[(int) (entries[at + 1] >>> REGION_SHIFT)];
    }

    private static long[] newEntry(Region region) {
        return new long[] {EMPTY, regionBits(region), VehicleActivity.NO_WARNING};
    }

    private static long regionBits(Region region) {
        return (long) region.ordinal() << REGION_SHIFT;
    }

    /** The slot where the probe for (id, region) starts. */
    private static int homeSlot(long id, long regionBits, int mask) {
        return (int) (((id ^ regionBits) * 0x9E37_79B9_7F4A_7C15L) >>> 32) & mask;
    }

    /** The position of (id, region) in {@link #entries}, claimed and initialised if it was not there. */
    private int claim(long id, long regionBits) {
        int index = homeSlot(id, regionBits, mask);
        while (true) {
            int at = index * STRIDE;
            long current = entries[at];
            if (current == id && (entries[at + 1] & ~(MOVED | COUNT_MASK)) == regionBits) {
                return at;
            }
            if (current == EMPTY) {
                if (2 * (size + 1) > mask + 1) {
                    grow();
                    return claim(id, regionBits);
                }
                entries[at] = id;
                entries[at + 1] = regionBits;
                entries[at + 2] = VehicleActivity.NO_WARNING;
                size++;
                return at;
            }
            index = (index + 1) & mask;
        }
    }

    private void grow() {
        long[] old = entries;
        entries = new long[old.length * 2];
        mask = mask * 2 + 1;
        size = 0;
        for (int at = 0; at < old.length; at += STRIDE) {
            if (old[at] != EMPTY) {
                int to = claim(old[at], regionBits(regionOf(old, at)));
                entries[to + 1] = old[at + 1];
                entries[to + 2] = old[at + 2];
            }
        }
    }

    /**
     * An id of one ASCII letter and 1 to 15 ASCII digits as {@code letter << 56 | digitCount << 50 | value}; the digit
     * count keeps leading zeros, so the packing is one-to-one. {@link #EMPTY} for every other id.
     */
    static long pack(String id) {
        int digits = id.length() - 1;
        if (digits < 1 || digits > MAX_DIGITS) {
            return EMPTY;
        }
        char letter = id.charAt(0);
        if (!((letter >= 'A' && letter <= 'Z') || (letter >= 'a' && letter <= 'z'))) {
            return EMPTY;
        }
        long value = 0;
        for (int i = 1; i <= digits; i++) {
            char c = id.charAt(i);
            if (c < '0' || c > '9') {
                return EMPTY;
            }
            value = value * 10 + (c - '0');
        }
        return (long) letter << 56 | (long) digits << 50 | value;
    }

    static String unpack(long packed) {
        char[] chars = new char[1 + (int) (packed >>> 50 & 0x3F)];
        chars[0] = (char) (packed >>> 56);
        long value = packed & ((1L << 50) - 1);
        for (int i = chars.length - 1; i > 0; i--) {
            chars[i] = (char) ('0' + value % 10);
            value /= 10;
        }
        return new String(chars);
    }

    private record RegionalId(String vehicleId, Region region) {
    }
}
