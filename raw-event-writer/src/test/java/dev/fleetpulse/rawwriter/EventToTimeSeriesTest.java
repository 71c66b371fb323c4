package dev.fleetpulse.rawwriter;

import dev.fleetpulse.events.EventType;
import dev.fleetpulse.events.Region;
import dev.fleetpulse.events.VehicleEvent;
import dev.fleetpulse.prometheus.model.TimeSeries;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class EventToTimeSeriesTest {

    private static final long T0 = 1_730_621_749_123L;

    @Test
    void shouldWriteAnEngineReadingAsOneVehicleIcRpmSampleUnchanged() {
        TimeSeries series = EventToTimeSeries.toTimeSeries(
                new VehicleEvent(EventType.IC_RPM, "V0000012345", Region.NEW_ZEALAND, T0, 4356));

        assertThat(series.metricName()).isEqualTo("vehicle_ic_rpm");
        assertThat(series.labels()).containsExactly(
                Map.entry("region", "New Zealand"), Map.entry("vehicle_id", "V0000012345"));
        assertThat(series.sampleCount()).isEqualTo(1);
        assertThat(series.value(0)).isEqualTo(4356.0);
        assertThat(series.timestamp(0)).isEqualTo(T0);
    }

    @Test
    void shouldKeepNegativeElectricRpmAndWarningCounts() {
        TimeSeries motor = EventToTimeSeries.toTimeSeries(
                new VehicleEvent(EventType.ELECTRIC_RPM, "V1", Region.UK, T0, -1200));
        TimeSeries warnings = EventToTimeSeries.toTimeSeries(new VehicleEvent(EventType.WARNINGS, "V1", Region.UK, T0, 5));

        assertThat(motor.metricName()).isEqualTo("vehicle_electric_rpm");
        assertThat(motor.value(0)).isEqualTo(-1200.0);
        assertThat(warnings.metricName()).isEqualTo("vehicle_warnings");
        assertThat(warnings.value(0)).isEqualTo(5.0);
    }

    @Test
    void shouldNotClashWithThePreProcessorsMetricNames() {
        for (EventType type : EventType.values()) {
            assertThat(EventToTimeSeries.metricName(type)).startsWith("vehicle_")
                    .isNotIn("vehicles_in_motion", "warnings");
        }
    }

    @Test
    void shouldPutTheSameVehicleAndTypeIntoTheSameSeries() {
        TimeSeries first = EventToTimeSeries.toTimeSeries(new VehicleEvent(EventType.IC_RPM, "V7", Region.US, T0, 1));
        TimeSeries later = EventToTimeSeries.toTimeSeries(new VehicleEvent(EventType.IC_RPM, "V7", Region.US, T0 + 5, 2));
        TimeSeries other = EventToTimeSeries.toTimeSeries(new VehicleEvent(EventType.IC_RPM, "V8", Region.US, T0, 1));

        assertThat(first.seriesKey()).isEqualTo(later.seriesKey()).isNotEqualTo(other.seriesKey());
    }
}
