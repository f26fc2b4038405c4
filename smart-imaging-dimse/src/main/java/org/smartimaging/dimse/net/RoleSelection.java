package org.smartimaging.dimse.net;

/**
 * SCP/SCU Role Selection sub-item (PS3.7 D.3.3.4): a C-GET SCU proposes to be the SCP of the storage
 * SOP classes so that the archive may send C-STORE requests back on the same association.
 */
public record RoleSelection(String sopClassUid, boolean scu, boolean scp) {}
