package org.smartimaging.dicom;

import java.util.ArrayList;
import java.util.List;

/** Encapsulated pixel data (PS3.5 A.4): the Basic Offset Table item followed by the fragments. */
final class Fragments {

    private final List<byte[]> items = new ArrayList<>();

    List<byte[]> items() {
        return items;
    }
}
