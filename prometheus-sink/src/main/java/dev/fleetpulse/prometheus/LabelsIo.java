package dev.fleetpulse.prometheus;

import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.apache.flink.types.StringValue;

import java.io.IOException;

/** The label block shared by {@link TimeSeriesSerializer} and {@link SeriesKeySerializer}. */
final class LabelsIo {

    private LabelsIo() {
    }

    static void write(String[] names, String[] values, DataOutputView out) throws IOException {
        out.writeInt(names.length);
        for (int i = 0; i < names.length; i++) {
            StringValue.writeString(names[i], out);
            StringValue.writeString(values[i], out);
        }
    }

    /** Reads into arrays sized by the count the caller already read. */
    static void read(String[] names, String[] values, DataInputView in) throws IOException {
        for (int i = 0; i < names.length; i++) {
            names[i] = StringValue.readString(in);
            values[i] = StringValue.readString(in);
        }
    }
}
