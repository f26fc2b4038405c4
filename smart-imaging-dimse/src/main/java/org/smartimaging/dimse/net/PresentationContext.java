package org.smartimaging.dimse.net;

import java.util.List;

/**
 * One presentation context (PS3.8 7.1.1.13): an abstract syntax with the transfer syntaxes proposed
 * for it, or, once negotiated, the single transfer syntax accepted and the result.
 *
 * @param id odd number 1..255
 * @param result {@link #ACCEPTANCE} or a rejection reason (1 user, 2 no reason, 3 abstract syntax,
 *     4 transfer syntaxes not supported); meaningless in a proposal
 */
public record PresentationContext(int id, String abstractSyntax, List<String> transferSyntaxes, int result) {

    public static final int ACCEPTANCE = 0;
    public static final int USER_REJECTION = 1;
    public static final int ABSTRACT_SYNTAX_NOT_SUPPORTED = 3;
    public static final int TRANSFER_SYNTAXES_NOT_SUPPORTED = 4;

    public PresentationContext {
        if (id < 1 || id > 255 || id % 2 == 0) {
            throw new IllegalArgumentException("presentation context id must be odd, 1..255: " + id);
        }
        transferSyntaxes = List.copyOf(transferSyntaxes);
    }

    public static PresentationContext proposal(int id, String abstractSyntax, String... transferSyntaxes) {
        return new PresentationContext(id, abstractSyntax, List.of(transferSyntaxes), ACCEPTANCE);
    }

    public boolean accepted() {
        return result == ACCEPTANCE && transferSyntaxes.size() == 1;
    }

    /** The accepted transfer syntax. */
    public String transferSyntax() {
        return transferSyntaxes.get(0);
    }
}
