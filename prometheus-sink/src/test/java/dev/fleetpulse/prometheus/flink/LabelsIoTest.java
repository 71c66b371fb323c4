package dev.fleetpulse.prometheus.flink;

import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.types.StringValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link LabelsIo#readString} must read exactly what Flink's {@link StringValue#writeString} writes. */
class LabelsIoTest {

    @ParameterizedTest
    @ValueSource(strings = {"", "a", "vehicle_id", "V0000000001", "São Paulo", "ÿ", "Ā", "✓ check", "🚗 car",
            "\ud800 unpaired high", "unpaired low \udc00", "\uffff", "\u3fff\u4000"})
    void shouldReadWhatFlinkWrites(String text) throws IOException {
        assertThat(roundTrip(text)).isEqualTo(text);
    }

    @Test
    void shouldReadNullAsFlinkWritesIt() throws IOException {
        assertThat(roundTrip(null)).isNull();
    }

    @Test
    void shouldReadStringsLongerThanFlinksShortBuffer() throws IOException {
        String ascii = "x".repeat(5_000);
        String wide = "é".repeat(3_000) + "✓".repeat(3_000);

        assertThat(roundTrip(ascii)).isEqualTo(ascii);
        assertThat(roundTrip(wide)).isEqualTo(wide);
    }

    @Test
    void shouldReadRandomStringsBackToBackAsFlinkDoes() throws IOException {
        SplittableRandom random = new SplittableRandom(7);
        List<String> written = new ArrayList<>();
        DataOutputSerializer out = new DataOutputSerializer(1024);
        for (int i = 0; i < 20_000; i++) {
            String text = randomString(random);
            written.add(text);
            StringValue.writeString(text, out);
        }

        DataInputDeserializer ours = new DataInputDeserializer(out.getCopyOfBuffer());
        DataInputDeserializer flinks = new DataInputDeserializer(out.getCopyOfBuffer());
        for (String expected : written) {
            String read = LabelsIo.readString(ours);
            assertThat(read).isEqualTo(expected).isEqualTo(StringValue.readString(flinks));
        }
        assertThat(ours.available()).isZero();
    }

    /** Mostly short ASCII like label values, with Latin-1, BMP and supplementary chars and unpaired surrogates. */
    private static String randomString(SplittableRandom random) {
        int length = random.nextInt(10) == 0 ? random.nextInt(3_000) : random.nextInt(40);
        StringBuilder sb = new StringBuilder(length);
        int kind = random.nextInt(4);
        for (int i = 0; i < length; i++) {
            switch (kind) {
                case 0 -> sb.append((char) random.nextInt(0x20, 0x7F));
                case 1 -> sb.append((char) random.nextInt(0x20, 0x100));
                case 2 -> sb.append((char) random.nextInt(0x20, 0x10000));
                default -> sb.appendCodePoint(random.nextInt(0x20, 0x110000));
            }
        }
        return sb.toString();
    }

    private static String roundTrip(String text) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(64);
        StringValue.writeString(text, out);
        StringValue.writeString("after", out);
        DataInputDeserializer in = new DataInputDeserializer(out.getCopyOfBuffer());
        String read = LabelsIo.readString(in);
        assertThat(LabelsIo.readString(in)).as("the next string starts where this one ended").isEqualTo("after");
        return read;
    }
}
