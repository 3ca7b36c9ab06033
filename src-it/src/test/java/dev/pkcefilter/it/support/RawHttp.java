package dev.pkcefilter.it.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * One HTTP/1.1 request written byte for byte on a socket: for what {@link java.net.http.HttpClient} refuses to
 * send (a {@code Host} header of its own choosing, CR, LF, spaces or raw non-ASCII in the request target, an
 * absolute-form target), as an attacker's client would send it.
 */
public final class RawHttp {

    private RawHttp() {
    }

    /**
     * A response as read off the wire.
     *
     * @param status the status code, or 0 when the server closed the connection without answering
     * @param headers header names in lower case, each with its values
     * @param body the body, decoded as UTF-8
     */
    public record Response(int status, Map<String, List<String>> headers, String body) {
        /** @return the {@code Location} header; an AssertionError naming the status if there is none */
        public String location() {
            return header("Location").orElseThrow(() -> new AssertionError("no Location in a " + status + " answer"));
        }

        public Optional<String> header(String name) {
            List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
            return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
        }

        /** @return the value of the cookie {@code name} that a {@code Set-Cookie} header sets */
        public Optional<String> cookie(String name) {
            for (String setCookie : headers.getOrDefault("set-cookie", List.of())) {
                if (setCookie.startsWith(name + "=")) {
                    int end = setCookie.indexOf(';');
                    return Optional.of(setCookie.substring(name.length() + 1, end < 0 ? setCookie.length() : end));
                }
            }
            return Optional.empty();
        }

        @Override
        public String toString() {
            return status + " " + headers.getOrDefault("location", List.of());
        }
    }

    /**
     * Sends {@code GET target HTTP/1.1} to the server of {@code server}, with a {@code Host} header naming it
     * unless {@code headers} has one of its own, and {@code Connection: close}.
     *
     * @param target the request target exactly as written, its characters sent as UTF-8
     * @param headers further header lines, in order
     */
    public static Response get(URL server, String target, Map<String, String> headers) {
        return send(server, "GET", target, headers);
    }

    /** Like {@link #get}, with another method and no body. */
    public static Response send(URL server, String method, String target, Map<String, String> headers) {
        StringBuilder head = new StringBuilder(method).append(' ').append(target).append(" HTTP/1.1\r\n");
        if (headers.keySet().stream().noneMatch("Host"::equalsIgnoreCase)) {
            head.append("Host: ").append(server.getHost()).append(':').append(server.getPort()).append("\r\n");
        }
        headers.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
        if ("POST".equals(method)) {
            head.append("Content-Length: 0\r\n");
        }
        head.append("Connection: close\r\n\r\n");
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(server.getHost(), server.getPort()), 10_000);
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write(head.toString().getBytes(StandardCharsets.UTF_8));
            out.flush();
            return parse(readAll(socket.getInputStream()));
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + abbreviate(target) + " failed", e);
        }
    }

    private static byte[] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        try {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                bytes.write(buffer, 0, n);
            }
        } catch (SocketTimeoutException | java.net.SocketException e) {
            // a server that keeps the connection open, or resets it after answering: take what came
        }
        return bytes.toByteArray();
    }

    private static Response parse(byte[] raw) {
        String text = new String(raw, StandardCharsets.ISO_8859_1);
        int endOfHead = text.indexOf("\r\n\r\n");
        if (!text.startsWith("HTTP/") || endOfHead < 0) {
            return new Response(0, Map.of(), new String(raw, StandardCharsets.UTF_8));
        }
        String[] lines = text.substring(0, endOfHead).split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                headers.computeIfAbsent(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
                        k -> new ArrayList<>()).add(lines[i].substring(colon + 1).trim());
            }
        }
        byte[] body = java.util.Arrays.copyOfRange(raw, endOfHead + 4, raw.length);
        if (headers.getOrDefault("transfer-encoding", List.of()).contains("chunked")) {
            body = unchunk(body);
        }
        return new Response(status, headers, new String(body, StandardCharsets.UTF_8));
    }

    private static byte[] unchunk(byte[] chunked) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int at = 0;
        while (at < chunked.length) {
            int lineEnd = indexOfCrlf(chunked, at);
            if (lineEnd < 0) {
                break;
            }
            String sizeLine = new String(chunked, at, lineEnd - at, StandardCharsets.ISO_8859_1).split(";")[0].trim();
            int size = sizeLine.isEmpty() ? 0 : Integer.parseInt(sizeLine, 16);
            if (size == 0) {
                break;
            }
            int start = lineEnd + 2;
            out.write(chunked, start, Math.min(size, chunked.length - start));
            at = start + size + 2;
        }
        return out.toByteArray();
    }

    private static int indexOfCrlf(byte[] bytes, int from) {
        for (int i = from; i + 1 < bytes.length; i++) {
            if (bytes[i] == '\r' && bytes[i + 1] == '\n') {
                return i;
            }
        }
        return -1;
    }

    private static String abbreviate(String text) {
        return text.length() <= 200 ? text : text.substring(0, 200) + "...";
    }
}
