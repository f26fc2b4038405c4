package org.smartimaging.examples.demo;

import java.util.List;
import java.util.Optional;

/** The fixed demo patients: the demo config grants them and the demo dataset holds their studies. */
public final class DemoPatients {

    public static final DemoPatient ANA_GARCIA =
            new DemoPatient("demo-ana-garcia", "MRN-1001", "García", "Ana", "1968-04-12", "female");
    public static final DemoPatient JAMES_CHEN =
            new DemoPatient("demo-james-chen", "MRN-1002", "Chen", "James", "1981-09-30", "male");
    public static final DemoPatient MARIA_OKAFOR =
            new DemoPatient("demo-maria-okafor", "MRN-1003", "Okafor", "Maria", "1990-01-23", "female");

    private static final List<DemoPatient> ALL = List.of(ANA_GARCIA, JAMES_CHEN, MARIA_OKAFOR);

    private DemoPatients() {
    }

    public static List<DemoPatient> all() {
        return ALL;
    }

    public static Optional<DemoPatient> byFhirId(String fhirId) {
        return ALL.stream().filter(p -> p.fhirId().equals(fhirId)).findFirst();
    }

    public static Optional<DemoPatient> byMrn(String mrn) {
        return ALL.stream().filter(p -> p.mrn().equals(mrn)).findFirst();
    }
}
