package org.smartimaging.spi;

import java.util.List;

/**
 * Where the images live: a folder, a DICOMweb PACS, a DIMSE archive, or a vendor's own store.
 * Searches answer study records; retrievals answer a stream or "not yet".
 *
 * <p>Implementations are thread-safe: one instance serves every request of its configuration.
 */
public interface ImageSource extends AutoCloseable {

    /**
     * Studies matching the query, each complete with its series and instances.
     *
     * @throws ImagingException.RetryLater when the source cannot answer yet
     * @throws ImagingException.UpstreamFailure when the source failed
     */
    List<StudyRecord> findStudies(StudyQuery query);

    /**
     * A DICOMweb retrieval: a body ready to stream, or {@link Retrieval.Pending} while the source is
     * still fetching the study.
     *
     * @throws ImagingException.NotFound when the study, series or instance does not exist
     */
    Retrieval retrieve(RetrieveRequest request);

    /** Releases threads, connections and files. */
    @Override
    default void close() {}
}
