package io.stagepass.pipeline.lake;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.parquet.avro.AvroParquetReader;
import org.apache.parquet.avro.AvroParquetWriter;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.io.LocalOutputFile;

/** Parquet files of contract events: the Avro schema becomes the columns, Snappy-compressed. */
final class ParquetFiles {
    static final CompressionCodecName COMPRESSION = CompressionCodecName.SNAPPY;

    private ParquetFiles() {}

    static ParquetWriter<SpecificRecord> writer(Path file, Class<? extends SpecificRecord> type) throws IOException {
        return AvroParquetWriter.<SpecificRecord>builder(new LocalOutputFile(file))
                .withSchema(schema(type))
                .withDataModel(SpecificData.getForClass(type))
                .withCompressionCodec(COMPRESSION)
                .withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
                .build();
    }

    /** Writes the records of several files of one type into one file. */
    static long merge(List<Path> parts, Path target, Class<? extends SpecificRecord> type) throws IOException {
        long records = 0;
        try (ParquetWriter<SpecificRecord> writer = writer(target, type)) {
            for (Path part : parts) {
                try (ParquetReader<SpecificRecord> reader = AvroParquetReader.<SpecificRecord>builder(
                                new LocalInputFile(part))
                        .withDataModel(SpecificData.getForClass(type))
                        .build()) {
                    for (SpecificRecord record = reader.read(); record != null; record = reader.read()) {
                        writer.write(record);
                        records++;
                    }
                }
            }
        }
        return records;
    }

    static Schema schema(Class<? extends SpecificRecord> type) {
        return SpecificData.get().getSchema(type);
    }
}
