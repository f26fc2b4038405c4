package org.smartimaging.spi;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A WADO-RS retrieval the engine has already authorised: the UIDs are validated
 * ({@code [0-9]+(\.[0-9]+)*}, at most 64 characters) and the study is one the study token grants.
 *
 * @param seriesInstanceUid {@code null} for a study-level request
 * @param sopInstanceUid {@code null} above instance level
 * @param resource what is asked at that level
 * @param frames frame numbers (1-based) for {@link Resource#FRAMES}, else empty
 * @param accept the client's {@code Accept} header, or {@code null}
 * @param query the client's query parameters (e.g. {@code quality}, {@code viewport} for rendered)
 * @param attributePath for {@link Resource#BULKDATA}, the attribute whose value is asked: hex tags from
 *     the top level down with item indexes between, separated by '/' ({@code 7FE00010},
 *     {@code 00540016/0/00181072}), as {@link org.smartimaging.dicom.BulkDataUris} names them; else null
 * @param wadoBase the absolute WADO base the client used ({@code {base}/{key}/wado/{studyToken}}), below
 *     which a source builds every {@code BulkDataURI} it writes; null when unknown (then none is written)
 */
public record RetrieveRequest(
        String studyInstanceUid,
        String seriesInstanceUid,
        String sopInstanceUid,
        Resource resource,
        List<Integer> frames,
        String accept,
        Map<String, List<String>> query,
        String attributePath,
        String wadoBase) {

    /** The WADO-RS resources below a study, series or instance (PS3.18 10.4). */
    public enum Resource {
        /** The DICOM instances themselves, as {@code multipart/related; type="application/dicom"}. */
        INSTANCES,
        /** The DICOM JSON metadata of the instances. */
        METADATA,
        /** Pixel data frames of one instance. */
        FRAMES,
        /** A consumer-format rendering (e.g. JPEG, PNG). */
        RENDERED,
        /** A small rendering. */
        THUMBNAIL,
        /** The value of one attribute of an instance (PS3.18 bulk data), behind a {@code BulkDataURI}. */
        BULKDATA
    }

    public RetrieveRequest {
        Objects.requireNonNull(studyInstanceUid, "studyInstanceUid");
        Objects.requireNonNull(resource, "resource");
        frames = List.copyOf(frames);
        query = Map.copyOf(query);
    }

    /** A request without bulk data path or WADO base. */
    public RetrieveRequest(String studyInstanceUid, String seriesInstanceUid, String sopInstanceUid, Resource resource,
            List<Integer> frames, String accept, Map<String, List<String>> query) {
        this(studyInstanceUid, seriesInstanceUid, sopInstanceUid, resource, frames, accept, query, null, null);
    }

    /** The {@code BulkDataURI} of the attribute at {@code path} of instance {@code sopInstanceUid}, or null without a WADO base. */
    public String bulkDataUri(String seriesInstanceUid, String sopInstanceUid, String path) {
        return wadoBase == null ? null : wadoBase + "/studies/" + studyInstanceUid + "/series/" + seriesInstanceUid
                + "/instances/" + sopInstanceUid + "/bulkdata/" + path;
    }

    public static RetrieveRequest study(String studyUid, Resource resource) {
        return new RetrieveRequest(studyUid, null, null, resource, List.of(), null, Map.of());
    }

    /** The frame (1-based) a {@link Resource#RENDERED} request asks for: {@code .../frames/{n}/rendered}, else 1. */
    public int renderedFrame() {
        return frames.isEmpty() ? 1 : frames.get(0);
    }

    /** The request path below the WADO base, e.g. {@code /studies/1.2/series/3.4/metadata}. */
    public String relativePath() {
        StringBuilder path = new StringBuilder("/studies/").append(studyInstanceUid);
        if (seriesInstanceUid != null) {
            path.append("/series/").append(seriesInstanceUid);
        }
        if (sopInstanceUid != null) {
            path.append("/instances/").append(sopInstanceUid);
        }
        switch (resource) {
            case METADATA -> path.append("/metadata");
            case RENDERED -> path.append(frames.isEmpty() ? "" : "/frames/" + frames.get(0)).append("/rendered");
            case THUMBNAIL -> path.append("/thumbnail");
            case FRAMES -> path.append("/frames/").append(
                    String.join(",", frames.stream().map(String::valueOf).toList()));
            case BULKDATA -> path.append("/bulkdata/").append(attributePath);
            case INSTANCES -> { }
        }
        return path.toString();
    }
}
