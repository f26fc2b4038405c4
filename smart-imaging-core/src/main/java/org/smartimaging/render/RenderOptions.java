package org.smartimaging.render;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.smartimaging.spi.ImagingException;

/**
 * How to render a DICOM image for a consumer (PS3.18 8.3.5): output media type, VOI window,
 * viewport and JPEG quality. Parsed from a WADO-RS request's {@code Accept} header and query.
 *
 * @param window {@code null}: the image's own window, else the full range of the frame
 * @param viewportWidth {@code 0}: the image's own size (with {@code viewportHeight})
 * @param quality JPEG quality 1 to 100
 */
public record RenderOptions(MediaType mediaType, Window window, int viewportWidth, int viewportHeight, int quality) {

    /** Largest viewport side accepted, in pixels. */
    public static final int MAX_VIEWPORT = 4096;
    /** A thumbnail fits in this square unless the request names a viewport. */
    public static final int THUMBNAIL_SIZE = 128;

    /** The consumer formats rendered. */
    public enum MediaType {
        PNG("image/png", "png"), JPEG("image/jpeg", "jpeg");

        private final String type;
        private final String imageIoFormat;

        MediaType(String type, String imageIoFormat) {
            this.type = type;
            this.imageIoFormat = imageIoFormat;
        }

        public String type() {
            return type;
        }

        String imageIoFormat() {
            return imageIoFormat;
        }
    }

    public RenderOptions {
        if (mediaType == null) {
            throw new IllegalArgumentException("mediaType");
        }
        if (viewportWidth < 0 || viewportHeight < 0 || viewportWidth > MAX_VIEWPORT || viewportHeight > MAX_VIEWPORT
                || (viewportWidth == 0) != (viewportHeight == 0)) {
            throw new IllegalArgumentException("viewport must be two sizes between 1 and " + MAX_VIEWPORT);
        }
        if (quality < 1 || quality > 100) {
            throw new IllegalArgumentException("quality must be between 1 and 100");
        }
    }

    /** PNG at the image's own size and window. */
    public static RenderOptions defaults() {
        return new RenderOptions(MediaType.PNG, null, 0, 0, 90);
    }

    public RenderOptions withWindow(Window w) {
        return new RenderOptions(mediaType, w, viewportWidth, viewportHeight, quality);
    }

    public RenderOptions withViewport(int width, int height) {
        return new RenderOptions(mediaType, window, width, height, quality);
    }

    public RenderOptions withMediaType(MediaType type) {
        return new RenderOptions(type, window, viewportWidth, viewportHeight, quality);
    }

    /**
     * The options of a {@code rendered} or {@code thumbnail} request: the first acceptable of
     * PNG (the default) and JPEG; query {@code window=center,width[,function]},
     * {@code viewport=vw,vh} and {@code quality=1..100}. Other query parameters are ignored.
     *
     * @throws ImagingException.NotAcceptable when the client accepts neither PNG nor JPEG
     * @throws ImagingException.BadRequest for a malformed parameter
     */
    public static RenderOptions fromRequest(String accept, Map<String, List<String>> query, boolean thumbnail) {
        RenderOptions options = defaults().withMediaType(mediaType(accept));
        if (thumbnail) {
            options = options.withViewport(THUMBNAIL_SIZE, THUMBNAIL_SIZE);
        }
        try {
            String window = single(query, "window");
            if (window != null) {
                String[] parts = window.split(",", -1);
                if (parts.length < 2 || parts.length > 3) {
                    throw new IllegalArgumentException("window is center,width[,function]");
                }
                Window.Function function = parts.length == 3 ? Window.Function.parse(parts[2]) : Window.Function.LINEAR;
                options = options.withWindow(new Window(number(parts[0]), number(parts[1]), function));
            }
            String viewport = single(query, "viewport");
            if (viewport != null) {
                String[] parts = viewport.split(",", -1);
                if (parts.length != 2) {
                    throw new IllegalArgumentException("viewport is width,height (cropping is not supported)");
                }
                options = options.withViewport(integer("viewport", parts[0]), integer("viewport", parts[1]));
            }
            String quality = single(query, "quality");
            if (quality != null) {
                options = new RenderOptions(options.mediaType, options.window, options.viewportWidth,
                        options.viewportHeight, integer("quality", quality));
            }
        } catch (IllegalArgumentException e) {
            throw new ImagingException.BadRequest("Invalid rendering parameter: " + e.getMessage());
        }
        return options;
    }

    private static String single(Map<String, List<String>> query, String name) {
        List<String> values = query.get(name);
        if (values == null || values.isEmpty()) {
            return null;
        }
        if (values.size() > 1) {
            throw new IllegalArgumentException(name + " given more than once");
        }
        return values.get(0);
    }

    /** A parser's own message ("For input string: ...") is not for clients; this names the parameter. */
    private static int integer(String name, String text) {
        try {
            return Integer.parseInt(text.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " takes whole numbers");
        }
    }

    private static double number(String text) {
        double value;
        try {
            value = Double.parseDouble(text.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("window takes numbers: center,width[,function]");
        }
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException("not a finite number");
        }
        return value;
    }

    private static MediaType mediaType(String accept) {
        if (accept == null || accept.isBlank()) {
            return MediaType.PNG;
        }
        MediaType best = null;
        double bestQ = 0;
        for (String range : accept.toLowerCase(Locale.ROOT).split(",")) {
            String[] params = range.split(";");
            String type = params[0].strip();
            double q = 1;
            for (int i = 1; i < params.length; i++) {
                String p = params[i].strip();
                if (p.startsWith("q=")) {
                    try {
                        q = Double.parseDouble(p.substring(2));
                    } catch (NumberFormatException e) {
                        q = 0;
                    }
                }
            }
            MediaType candidate = switch (type) {
                case "image/png", "image/*", "*/*" -> MediaType.PNG;
                case "image/jpeg", "image/jpg" -> MediaType.JPEG;
                default -> null;
            };
            if (candidate != null && q > bestQ) {
                best = candidate;
                bestQ = q;
            }
        }
        if (best == null) {
            throw new ImagingException.NotAcceptable("Rendered images are sent as image/png or image/jpeg");
        }
        return best;
    }
}
