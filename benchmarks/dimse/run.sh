#!/bin/sh
# Runs the dicom-dimse benchmark (not part of mvn verify). Usage: benchmarks/dimse/run.sh [instances] [rows] [rounds]
set -e
cd "$(dirname "$0")/../.."
mvn -B -q -o -pl smart-imaging-dimse -am test-compile
mvn -B -q -o -pl smart-imaging-dimse dependency:build-classpath -Dmdep.outputFile=target/bench.cp -Dmdep.includeScope=test >/dev/null
CP="smart-imaging-dimse/target/classes:smart-imaging-core/target/classes:smart-imaging-core/target/test-classes:$(cat smart-imaging-dimse/target/bench.cp)"
# dcmtk (getscu, dcmqrscp, and Orthanc, which is built on dcmtk) leaves Nagle's algorithm on unless
# TCP_NODELAY=1 is in its environment; the SDK always sets TCP_NODELAY on its sockets. With Nagle on,
# getscu spends ~55 ms per instance (delayed ACK). Default: every peer runs with TCP_NODELAY=1.
export TCP_NODELAY="${TCP_NODELAY:-1}"
exec java -Xmx${BENCH_XMX:-256m} ${BENCH_JAVA_OPTS:-} -cp "$CP" benchmarks/dimse/DimseBenchmark.java "$@"
