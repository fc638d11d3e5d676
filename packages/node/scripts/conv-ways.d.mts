export declare const CONV_WAYS: readonly string[];
