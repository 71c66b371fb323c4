package dev.fleetpulse.localstack;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

import org.xerial.snappy.Snappy;

/**
 * A hand-built Remote-Write 1.0 request (protobuf WriteRequest, snappy block) for one series, so local-stack
 * tests feed a receiver without depending on the project's sink.
 */
final class RemoteWrite {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    record Sample(long timestampMs, double value) {
    }

    private RemoteWrite() {
    }

    /** Sends one series; returns the HTTP status (204 when Prometheus stored it). */
    static int send(String url, Map<String, String> labels, Sample... samples) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url))
                .header("Content-Encoding", "snappy")
                .header("Content-Type", "application/x-protobuf")
                .header("X-Prometheus-Remote-Write-Version", "0.1.0")
                .POST(HttpRequest.BodyPublishers.ofByteArray(Snappy.compress(writeRequest(labels, samples))))
                .build();
        HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
            throw new IllegalStateException("Remote write answered " + response.statusCode() + ": " + response.body());
        }
        return response.statusCode();
    }

    private static byte[] writeRequest(Map<String, String> labels, Sample... samples) {
        ByteArrayOutputStream series = new ByteArrayOutputStream();
        // Receivers expect labels sorted by name.
        new TreeMap<>(labels).forEach((name, value) -> {
            ByteArrayOutputStream label = new ByteArrayOutputStream();
            lengthDelimited(label, 1, name.getBytes(StandardCharsets.UTF_8));
            lengthDelimited(label, 2, value.getBytes(StandardCharsets.UTF_8));
            lengthDelimited(series, 1, label.toByteArray());
        });
        for (Sample sample : samples) {
            ByteArrayOutputStream encoded = new ByteArrayOutputStream();
            encoded.write(1 << 3 | 1);
            long bits = Double.doubleToLongBits(sample.value());
            for (int i = 0; i < 8; i++) {
                encoded.write((int) (bits >>> (8 * i)) & 0xff);
            }
            encoded.write(2 << 3);
            varint(encoded, sample.timestampMs());
            lengthDelimited(series, 2, encoded.toByteArray());
        }
        ByteArrayOutputStream request = new ByteArrayOutputStream();
        lengthDelimited(request, 1, series.toByteArray());
        return request.toByteArray();
    }

    private static void lengthDelimited(ByteArrayOutputStream out, int field, byte[] bytes) {
        out.write(field << 3 | 2);
        varint(out, bytes.length);
        out.writeBytes(bytes);
    }

    private static void varint(ByteArrayOutputStream out, long value) {
        long rest = value;
        while ((rest & ~0x7FL) != 0) {
            out.write((int) (rest & 0x7F) | 0x80);
            rest >>>= 7;
        }
        out.write((int) rest);
    }
}
