package dev.pkcefilter.impl.protocol;

/**
 * Text that came from a remote party (an {@code error_description}, a callback parameter), made safe to log and
 * to show: control characters (CR/LF log forging) become spaces, and it is cut to a bound. HTML escaping is
 * still the page's job.
 */
public final class RemoteText {

    private RemoteText() {
    }

    /**
     * @param text the remote text
     * @param max the most characters kept
     * @return the text without control characters, cut to {@code max} characters plus an ellipsis
     */
    public static String clean(String text, int max) {
        String cut = text.length() <= max ? text : text.substring(0, max) + "...";
        StringBuilder out = new StringBuilder(cut.length());
        for (int i = 0; i < cut.length(); i++) {
            char c = cut.charAt(i);
            out.append(Character.isISOControl(c) ? ' ' : c);
        }
        return out.toString();
    }
}
