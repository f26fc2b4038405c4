package org.smartimaging.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.smartimaging.spi.ImagingException.BadRequest;
import org.smartimaging.spi.ImagingException.NotFound;
import org.smartimaging.spi.RetrieveRequest.Resource;

/**
 * A request path parsed into what it asks for. The grammar is strict: every segment is checked
 * before anything is looked up, nothing percent-encoded is accepted (no route needs it), and a path
 * with more segments than its route allows is not found, so appending to a URL never widens it.
 */
sealed interface Route {

    /** A configuration reference: a file/built-in key, or the base64url JSON of a dynamic one. */
    record SiteRef(String key, boolean dynamic) {}

    /** {@code {site}/fhir/{resource...}}. */
    record Fhir(SiteRef site, String resource) implements Route {}

    /** {@code {site}/oauth/{path}}: an authorization server of the configuration's own (independent mode). */
    record OAuth(SiteRef site, String path) implements Route {}

    /**
     * QIDO-RS below a WADO base: {@code /studies}, {@code /studies/{S}/series},
     * {@code /studies/{S}/instances}, {@code /studies/{S}/series/{R}/instances}.
     *
     * @param study {@code null} at study level
     * @param series {@code null} unless the instances of one series are searched
     */
    record Qido(SiteRef site, String studyToken, QidoLevel level, String study, String series) implements Route {}

    /** {@code {site}/wado/{studyToken}/studies/...}. */
    record Wado(SiteRef site, String studyToken, String study, String series, String instance, Resource resource,
            List<Integer> frames, String attributePath) implements Route {
        Wado(SiteRef site, String studyToken, String study, String series, String instance, Resource resource, List<Integer> frames) {
            this(site, studyToken, study, series, instance, resource, frames, null);
        }
    }

    Pattern UID = Pattern.compile("[0-9]+(\\.[0-9]+)*");
    int MAX_UID_LENGTH = 64;
    Pattern TOKEN = Pattern.compile("[A-Za-z0-9_\\-]+\\.[A-Za-z0-9_\\-]+\\.[A-Za-z0-9_\\-]+");
    Pattern SEGMENT = Pattern.compile("[A-Za-z0-9_\\-.=]+");
    int MAX_FRAMES = 1024;
    /** A bulk data path: a tag, then (item index, tag) pairs, at most this deep. */
    int MAX_BULKDATA_DEPTH = 8;
    Pattern HEX_TAG = Pattern.compile("[0-9A-Fa-f]{8}");
    Pattern ITEM_INDEX = Pattern.compile("0|[1-9][0-9]{0,5}");
    String UNKNOWN_PATH = "Unknown path; try /{config}/fhir/ImagingStudy?patient=...";

    static Route parse(String rawPath, int maxPathLength) {
        if (rawPath.length() > maxPathLength) {
            throw new BadRequest("The request path is longer than " + maxPathLength + " characters");
        }
        if (rawPath.indexOf('%') >= 0) {
            throw new BadRequest("Percent-encoded characters are not allowed in the path");
        }
        if (!rawPath.startsWith("/")) {
            throw new NotFound("Unknown path");
        }
        String[] segments = rawPath.substring(1).split("/", -1);
        for (String segment : segments) {
            if (segment.equals(".") || segment.equals("..")) {
                throw new BadRequest("Dot segments are not allowed in the path");
            }
        }
        boolean dynamic = segments.length > 1 && segments[0].equals("dyn");
        SiteRef site = new SiteRef(dynamic ? segments[1] : segments[0], dynamic);
        int at = dynamic ? 2 : 1;
        if (!SEGMENT.matcher(site.key()).matches() || at >= segments.length) {
            throw new NotFound(UNKNOWN_PATH);
        }
        List<String> rest = List.of(segments).subList(at + 1, segments.length);
        return switch (segments[at]) {
            case "fhir" -> new Fhir(site, String.join("/", rest));
            case "wado" -> wado(site, rest);
            case "oauth" -> oauth(site, rest);
            default -> throw new NotFound(UNKNOWN_PATH);
        };
    }

    private static Route oauth(SiteRef site, List<String> s) {
        if (s.isEmpty() || s.size() > 4 || !s.stream().allMatch(segment -> SEGMENT.matcher(segment).matches())) {
            throw new NotFound(UNKNOWN_PATH);
        }
        return new OAuth(site, String.join("/", s));
    }

    private static Route wado(SiteRef site, List<String> s) {
        if (s.size() < 2 || !s.get(1).equals("studies")) {
            throw new NotFound("Unknown WADO-RS path; expected {wado base}/studies[/{StudyInstanceUID}[...]]");
        }
        String token = s.get(0);
        if (!TOKEN.matcher(token).matches()) {
            throw new BadRequest("The study token in the path is malformed");
        }
        Qido qido = qido(site, token, s);
        if (qido != null) {
            return qido;
        }
        String study = uid(s.get(2));
        String series = null;
        String instance = null;
        int at = 3;
        if (at < s.size() && s.get(at).equals("series")) {
            series = uid(at + 1 < s.size() ? s.get(at + 1) : "");
            at += 2;
            if (at < s.size() && s.get(at).equals("instances")) {
                instance = uid(at + 1 < s.size() ? s.get(at + 1) : "");
                at += 2;
            }
        }
        Resource resource = Resource.INSTANCES;
        List<Integer> frames = List.of();
        String attributePath = null;
        if (at < s.size()) {
            String what = s.get(at);
            at++;
            switch (what) {
                case "metadata" -> resource = Resource.METADATA;
                case "rendered" -> resource = Resource.RENDERED;
                case "thumbnail" -> resource = Resource.THUMBNAIL;
                case "frames" -> {
                    if (instance == null || at >= s.size()) {
                        throw new NotFound("Frames are retrieved at /instances/{SOPInstanceUID}/frames/{list}");
                    }
                    resource = Resource.FRAMES;
                    frames = frameList(s.get(at));
                    at++;
                    if (at < s.size() && s.get(at).equals("rendered")) {
                        if (frames.size() != 1) {
                            throw new BadRequest("Render one frame at a time: .../frames/{n}/rendered");
                        }
                        resource = Resource.RENDERED;
                        at++;
                    }
                }
                case "bulkdata" -> {
                    if (instance == null || at >= s.size()) {
                        throw new NotFound("Bulk data is retrieved at /instances/{SOPInstanceUID}/bulkdata/{tag}[/{item}/{tag}...]");
                    }
                    resource = Resource.BULKDATA;
                    attributePath = bulkDataPath(s.subList(at, s.size()));
                    at = s.size();
                }
                default -> throw new NotFound("Unknown WADO-RS resource '" + (SEGMENT.matcher(what).matches() ? what : "?") + "'");
            }
        }
        if (at != s.size()) {
            throw new NotFound("Unknown WADO-RS path: nothing may follow " + resource.name().toLowerCase());
        }
        return new Wado(site, token, study, series, instance, resource, frames, attributePath);
    }

    private static String bulkDataPath(List<String> segments) {
        if (segments.size() % 2 == 0 || segments.size() > 2 * MAX_BULKDATA_DEPTH - 1) {
            throw new NotFound("A bulk data path is a tag, then item index and tag pairs: 7FE00010, 00540016/0/00181072");
        }
        for (int i = 0; i < segments.size(); i++) {
            if (!(i % 2 == 0 ? HEX_TAG : ITEM_INDEX).matcher(segments.get(i)).matches()) {
                throw new BadRequest("Invalid bulk data path: tags are 8 hex digits, item indexes whole numbers");
            }
        }
        return String.join("/", segments).toUpperCase(java.util.Locale.ROOT);
    }

    /** The four QIDO-RS paths, exactly; {@code null} for anything else (a WADO-RS path, or not found there). */
    private static Qido qido(SiteRef site, String token, List<String> s) {
        return switch (s.size()) {
            case 2 -> new Qido(site, token, QidoLevel.STUDY, null, null);
            case 4 -> switch (s.get(3)) {
                case "series" -> new Qido(site, token, QidoLevel.SERIES, uid(s.get(2)), null);
                case "instances" -> new Qido(site, token, QidoLevel.INSTANCE, uid(s.get(2)), null);
                default -> null;
            };
            case 6 -> s.get(3).equals("series") && s.get(5).equals("instances")
                    ? new Qido(site, token, QidoLevel.INSTANCE, uid(s.get(2)), uid(s.get(4)))
                    : null;
            default -> null;
        };
    }

    private static String uid(String text) {
        if (text.length() > MAX_UID_LENGTH || !UID.matcher(text).matches()) {
            throw new BadRequest("Invalid UID in the path: a UID is digits and dots, at most 64 characters");
        }
        return text;
    }

    private static List<Integer> frameList(String text) {
        String[] parts = text.split(",", -1);
        if (parts.length > MAX_FRAMES) {
            throw new BadRequest("At most " + MAX_FRAMES + " frames per request");
        }
        List<Integer> frames = new ArrayList<>();
        for (String part : parts) {
            if (!part.matches("[1-9][0-9]{0,8}")) {
                throw new BadRequest("Invalid frame list: frame numbers are positive integers separated by commas");
            }
            frames.add(Integer.parseInt(part));
        }
        return List.copyOf(frames);
    }
}
