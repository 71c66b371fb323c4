package dev.fleetpulse.localstack;

/** A fixed port that a local service was asked to use is already taken on 127.0.0.1. */
public final class PortUnavailableException extends IllegalStateException {

    private final int port;

    public PortUnavailableException(String service, int port) {
        super(service + " cannot listen on 127.0.0.1:" + port + ": the port is already in use."
                + " Stop whatever holds it (e.g. `ss -ltnp 'sport = :" + port + "'` shows the owner)"
                + " or choose another port.");
        this.port = port;
    }

    public int port() {
        return port;
    }
}
