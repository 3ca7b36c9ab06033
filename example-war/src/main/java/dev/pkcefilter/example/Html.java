package dev.pkcefilter.example;

/** The example's small page template. */
final class Html {

    private Html() {
    }

    static String page(String title, String body) {
        return "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                + "<title>" + escape(title) + " · pkce-filter example</title><style>"
                + "body{font-family:system-ui,sans-serif;max-width:44rem;margin:3rem auto;padding:0 1rem;color:#1d2330}"
                + "h1{font-size:1.8rem}.lead{color:#4a5568}table{border-collapse:collapse;margin:1.5rem 0}"
                + "th{text-align:left;padding:.4rem 1.2rem .4rem 0;color:#4a5568;font-weight:500}"
                + "td{padding:.4rem 0;font-family:ui-monospace,monospace}a{color:#2b6cb0}"
                + "</style></head><body>" + body + "</body></html>";
    }

    static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;")
                .replace("'", "&#39;");
    }
}
