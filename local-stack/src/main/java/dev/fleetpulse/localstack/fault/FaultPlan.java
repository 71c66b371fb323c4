package dev.fleetpulse.localstack.fault;

import java.util.List;

/** Chooses the {@link Fault} for each request reaching a {@link FaultInjectingProxy}. Called concurrently. */
@FunctionalInterface
public interface FaultPlan {

    /**
     * @param requestNumber 1 for the first request the proxy received, counting every attempt
     * @param request the request as received (its {@code status} is not known yet: -1)
     */
    Fault decide(long requestNumber, RecordedRequest request);

    /** This plan for the first {@code requests} requests, then forward everything (bounds a test's run time). */
    default FaultPlan onlyForFirst(long requests) {
        return (number, request) -> number <= requests ? decide(number, request) : Fault.pass();
    }

    /** Forward everything. */
    static FaultPlan none() {
        return (number, request) -> Fault.pass();
    }

    /** The given faults for the first requests, in order, then forward everything. */
    static FaultPlan firstRequests(Fault... faults) {
        List<Fault> plan = List.of(faults);
        return (number, request) -> number <= plan.size() ? plan.get((int) (number - 1)) : Fault.pass();
    }

    /** Repeats the given faults for ever: request n gets {@code faults[(n - 1) % faults.length]}. */
    static FaultPlan cycle(Fault... faults) {
        List<Fault> plan = List.of(faults);
        return (number, request) -> plan.get((int) ((number - 1) % plan.size()));
    }
}
