package dev.fleetpulse.localstack.flink;

/** A TaskManager as the JobManager sees it ({@code GET /taskmanagers}); the id is its resource id. */
public record RegisteredTaskManager(String id, int slots, int freeSlots) {
}
