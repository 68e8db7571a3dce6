package io.stagepass.ingest.rtmp;

/** The few fields of an AAC AudioSpecificConfig the MPEG-TS muxer's stream description needs. */
record AudioSpecificConfig(int objectType, int sampleRate, int channels) {
    private static final int[] RATES = {
        96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350
    };

    static AudioSpecificConfig parse(byte[] config) throws ProtocolException {
        if (config.length < 2) {
            throw new ProtocolException("an AAC AudioSpecificConfig of " + config.length + " bytes is too short");
        }
        long bits = 0;
        for (int i = 0; i < Math.min(config.length, 8); i++) {
            bits |= (long) (config[i] & 0xff) << (56 - 8 * i);
        }
        int objectType = (int) (bits >>> 59);
        int position = 5;
        if (objectType == 31) {
            objectType = 32 + (int) ((bits >>> (64 - position - 6)) & 0x3f);
            position += 6;
        }
        int rateIndex = (int) ((bits >>> (64 - position - 4)) & 0xf);
        position += 4;
        int sampleRate;
        if (rateIndex == 15) {
            if (config.length < 5) {
                throw new ProtocolException("an AAC AudioSpecificConfig with an explicit rate is cut short");
            }
            sampleRate = (int) ((bits >>> (64 - position - 24)) & 0xffffff);
            position += 24;
        } else if (rateIndex < RATES.length) {
            sampleRate = RATES[rateIndex];
        } else {
            throw new ProtocolException("AAC sampling frequency index " + rateIndex + " is reserved");
        }
        int channels = (int) ((bits >>> (64 - position - 4)) & 0xf);
        if (channels == 7) {
            channels = 8; // 7.1
        }
        if (sampleRate <= 0 || channels == 0) {
            throw new ProtocolException("an AAC AudioSpecificConfig without a sample rate or channel configuration");
        }
        return new AudioSpecificConfig(objectType, sampleRate, channels);
    }
}
