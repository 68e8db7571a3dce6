# One build, three images:
#   docker build --target services .   the ingest, replay-api, jobs services and the stagepass CLI (choose with the command)
#   docker build --target pipeline .   a Flink image that submits the pipeline jobs to the JobManager
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY . .
RUN mvn -B -q -DskipTests package

FROM eclipse-temurin:17-jre AS services
WORKDIR /opt/stagepass
COPY --from=build /src/ingest/target/stagepass-ingest.jar ingest/
COPY --from=build /src/ingest/target/lib ingest/lib
COPY --from=build /src/replay-api/target/stagepass-replay-api.jar replay-api/
COPY --from=build /src/replay-api/target/lib replay-api/lib
COPY --from=build /src/jobs/target/stagepass-jobs.jar jobs/
COPY --from=build /src/jobs/target/lib jobs/lib
COPY --from=build /src/launcher/cli/target/stagepass-launcher.jar launcher/
COPY --from=build /src/launcher/cli/target/lib launcher/lib
ENTRYPOINT ["java"]

FROM flink:2.2.0-java17 AS pipeline
COPY --from=build /src/pipeline/target/stagepass-pipeline-flink-job.jar /opt/stagepass/stagepass-pipeline-flink-job.jar
