package dev.fleetpulse.generator;

import java.io.Serializable;

/** Where the generator's event times come from: the task's clock, or a simulated one that runs as fast as the job. */
public sealed interface EventClock extends Serializable {

    /** Event times from the processing-time service: the wall clock in a job, a settable clock in tests. */
    EventClock PROCESSING_TIME = new ProcessingTime();

    /**
     * The time of a vehicle's next event.
     *
     * @param eventsSent events the vehicle has sent before this one
     * @param processingTime the task's current processing time, epoch ms
     */
    long nextEventTime(long eventsSent, long processingTime);

    /** The time the event is created. */
    record ProcessingTime() implements EventClock {

        @Override
        public long nextEventTime(long eventsSent, long processingTime) {
            return processingTime;
        }
    }

    /**
     * Every vehicle reports once per interval, its n-th event (from 0) at {@code startMs + n * intervalMs}, however
     * fast or slow the job runs. A benchmark can so fill a topic in seconds with the timestamps of a fleet that
     * reports at a real rate, e.g. an hour of a million vehicles reporting once a second.
     */
    record Simulated(long startMs, long intervalMs) implements EventClock {

        public Simulated {
            if (intervalMs < 1) {
                throw new IllegalArgumentException("intervalMs must be >= 1, was " + intervalMs);
            }
        }

        @Override
        public long nextEventTime(long eventsSent, long processingTime) {
            return startMs + eventsSent * intervalMs;
        }
    }
}
