package org.smartimaging.dicomweb;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.smartimaging.spi.StudyRecord;

/**
 * The series and instances of studies this source has already asked the PACS for (the IG's scaling
 * note: cache {@code ImagingStudy}, invalidate when it changes). A search still asks the PACS for
 * the matching studies every time, with each study's instance count; a cached study whose count is
 * unchanged and whose record is younger than the time-to-live is answered from here, any other is
 * asked for again. Bounded in entries; one per source, so shared by every request of its site.
 *
 * <p>It also remembers when the SDK first saw each study or saw its instance count change: that is
 * the study's {@code lastUpdated} (a PACS's QIDO-RS has no modification time), so an old study
 * newly imported into the PACS reaches an incremental {@code _lastUpdated} sync.
 */
final class StudyRecordCache {

    /** What is known of one study: its record as last fetched, and when its instances last changed. */
    private record Entry(StudyRecord record, Integer instanceCount, Instant fetched, Instant changed) {}

    private final Cache<String, Entry> entries;
    private final Duration timeToLive;
    private final Clock clock;

    StudyRecordCache(int maxStudies, Duration timeToLive, Clock clock) {
        // Entries outlive their record's time-to-live (refetched in place), so that "changed" is kept.
        this.entries = Caffeine.newBuilder().maximumSize(Math.max(0, maxStudies))
                .expireAfterAccess(Duration.ofDays(1)).build();
        this.timeToLive = timeToLive;
        this.clock = clock;
    }

    /**
     * The cached record of a study if it is still good: fetched within the time-to-live with the
     * same instance count the PACS reports now. A PACS that reports no count never hits.
     */
    Optional<StudyRecord> fresh(String studyUid, Integer instanceCount) {
        Entry entry = entries.getIfPresent(studyUid);
        if (entry == null || instanceCount == null || !instanceCount.equals(entry.instanceCount())
                || timeToLive.isZero() || !clock.instant().isBefore(entry.fetched().plus(timeToLive))) {
            return Optional.empty();
        }
        return Optional.of(entry.record());
    }

    /**
     * Keeps a study just fetched and answers it with its {@code lastUpdated}: now when the study is
     * new to this source or its instance count changed, else the instant that was known.
     */
    StudyRecord remember(Integer instanceCount, StudyRecord fetched) {
        Instant now = clock.instant();
        Entry previous = entries.getIfPresent(fetched.studyInstanceUid());
        Instant changed = previous != null && instanceCount != null && instanceCount.equals(previous.instanceCount())
                ? previous.changed()
                : now;
        StudyRecord record = new StudyRecord(fetched.studyInstanceUid(), fetched.patientId(), fetched.patientName(),
                fetched.started(), changed, fetched.description(), fetched.accessionNumber(), fetched.series());
        entries.put(record.studyInstanceUid(), new Entry(record, instanceCount, now, changed));
        return record;
    }
}
