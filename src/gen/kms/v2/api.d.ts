import * as $protobuf from "protobufjs";
import Long = require("long");

/** Namespace v2. */
export namespace v2 {

    /**
     * Properties of a StatusRequest.
     * @deprecated Use v2.StatusRequest.$Properties instead.
     */
    interface IStatusRequest extends v2.StatusRequest.$Properties {
    }

    /** Represents a StatusRequest. */
    class StatusRequest {

        /**
         * Constructs a new StatusRequest.
         * @param [properties] Properties to set
         */
        constructor(properties?: v2.StatusRequest.$Properties);

        /** Unknown fields preserved while decoding when enabled */
        $unknowns?: Uint8Array[];

        /**
         * Encodes the specified StatusRequest message. Does not implicitly {@link v2.StatusRequest.verify|verify} messages.
         * @param message StatusRequest message or plain object to encode
         * @param [writer] Writer to encode to
         * @returns Writer
         */
        static encode(message: v2.StatusRequest.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

        /**
         * Decodes a StatusRequest message from the specified reader or buffer.
         * @param reader Reader or buffer to decode from
         * @param [length] Message length if known beforehand
         * @returns {v2.StatusRequest & v2.StatusRequest.$Shape} StatusRequest
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): v2.StatusRequest & v2.StatusRequest.$Shape;

        /**
         * Gets the type url for StatusRequest
         * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns The type url
         */
        static getTypeUrl(prefix?: string): string;
    }

    namespace StatusRequest {

        /** Properties of a StatusRequest. */
        interface $Properties {

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];
        }

        /** Shape of a StatusRequest. */
        type $Shape = v2.StatusRequest.$Properties;
    }

    /**
     * Properties of a StatusResponse.
     * @deprecated Use v2.StatusResponse.$Properties instead.
     */
    interface IStatusResponse extends v2.StatusResponse.$Properties {
    }

    /** Represents a StatusResponse. */
    class StatusResponse {

        /**
         * Constructs a new StatusResponse.
         * @param [properties] Properties to set
         */
        constructor(properties?: v2.StatusResponse.$Properties);

        /** Unknown fields preserved while decoding when enabled */
        $unknowns?: Uint8Array[];

        /** StatusResponse version. */
        version: string;

        /** StatusResponse healthz. */
        healthz: string;

        /** StatusResponse keyId. */
        keyId: string;

        /**
         * Encodes the specified StatusResponse message. Does not implicitly {@link v2.StatusResponse.verify|verify} messages.
         * @param message StatusResponse message or plain object to encode
         * @param [writer] Writer to encode to
         * @returns Writer
         */
        static encode(message: v2.StatusResponse.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

        /**
         * Decodes a StatusResponse message from the specified reader or buffer.
         * @param reader Reader or buffer to decode from
         * @param [length] Message length if known beforehand
         * @returns {v2.StatusResponse & v2.StatusResponse.$Shape} StatusResponse
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): v2.StatusResponse & v2.StatusResponse.$Shape;

        /**
         * Gets the type url for StatusResponse
         * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns The type url
         */
        static getTypeUrl(prefix?: string): string;
    }

    namespace StatusResponse {

        /** Properties of a StatusResponse. */
        interface $Properties {

            /** StatusResponse version */
            version?: (string|null);

            /** StatusResponse healthz */
            healthz?: (string|null);

            /** StatusResponse keyId */
            keyId?: (string|null);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];
        }

        /** Shape of a StatusResponse. */
        type $Shape = v2.StatusResponse.$Properties;
    }

    /**
     * Properties of a DecryptRequest.
     * @deprecated Use v2.DecryptRequest.$Properties instead.
     */
    interface IDecryptRequest extends v2.DecryptRequest.$Properties {
    }

    /** Represents a DecryptRequest. */
    class DecryptRequest {

        /**
         * Constructs a new DecryptRequest.
         * @param [properties] Properties to set
         */
        constructor(properties?: v2.DecryptRequest.$Properties);

        /** Unknown fields preserved while decoding when enabled */
        $unknowns?: Uint8Array[];

        /** DecryptRequest ciphertext. */
        ciphertext: Uint8Array;

        /** DecryptRequest uid. */
        uid: string;

        /** DecryptRequest keyId. */
        keyId: string;

        /** DecryptRequest annotations. */
        annotations: { [k: string]: Uint8Array };

        /**
         * Encodes the specified DecryptRequest message. Does not implicitly {@link v2.DecryptRequest.verify|verify} messages.
         * @param message DecryptRequest message or plain object to encode
         * @param [writer] Writer to encode to
         * @returns Writer
         */
        static encode(message: v2.DecryptRequest.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

        /**
         * Decodes a DecryptRequest message from the specified reader or buffer.
         * @param reader Reader or buffer to decode from
         * @param [length] Message length if known beforehand
         * @returns {v2.DecryptRequest & v2.DecryptRequest.$Shape} DecryptRequest
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): v2.DecryptRequest & v2.DecryptRequest.$Shape;

        /**
         * Gets the type url for DecryptRequest
         * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns The type url
         */
        static getTypeUrl(prefix?: string): string;
    }

    namespace DecryptRequest {

        /** Properties of a DecryptRequest. */
        interface $Properties {

            /** DecryptRequest ciphertext */
            ciphertext?: (Uint8Array|null);

            /** DecryptRequest uid */
            uid?: (string|null);

            /** DecryptRequest keyId */
            keyId?: (string|null);

            /** DecryptRequest annotations */
            annotations?: ({ [k: string]: Uint8Array }|null);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];
        }

        /** Shape of a DecryptRequest. */
        type $Shape = v2.DecryptRequest.$Properties;
    }

    /**
     * Properties of a DecryptResponse.
     * @deprecated Use v2.DecryptResponse.$Properties instead.
     */
    interface IDecryptResponse extends v2.DecryptResponse.$Properties {
    }

    /** Represents a DecryptResponse. */
    class DecryptResponse {

        /**
         * Constructs a new DecryptResponse.
         * @param [properties] Properties to set
         */
        constructor(properties?: v2.DecryptResponse.$Properties);

        /** Unknown fields preserved while decoding when enabled */
        $unknowns?: Uint8Array[];

        /** DecryptResponse plaintext. */
        plaintext: Uint8Array;

        /**
         * Encodes the specified DecryptResponse message. Does not implicitly {@link v2.DecryptResponse.verify|verify} messages.
         * @param message DecryptResponse message or plain object to encode
         * @param [writer] Writer to encode to
         * @returns Writer
         */
        static encode(message: v2.DecryptResponse.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

        /**
         * Decodes a DecryptResponse message from the specified reader or buffer.
         * @param reader Reader or buffer to decode from
         * @param [length] Message length if known beforehand
         * @returns {v2.DecryptResponse & v2.DecryptResponse.$Shape} DecryptResponse
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): v2.DecryptResponse & v2.DecryptResponse.$Shape;

        /**
         * Gets the type url for DecryptResponse
         * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns The type url
         */
        static getTypeUrl(prefix?: string): string;
    }

    namespace DecryptResponse {

        /** Properties of a DecryptResponse. */
        interface $Properties {

            /** DecryptResponse plaintext */
            plaintext?: (Uint8Array|null);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];
        }

        /** Shape of a DecryptResponse. */
        type $Shape = v2.DecryptResponse.$Properties;
    }

    /**
     * Properties of an EncryptRequest.
     * @deprecated Use v2.EncryptRequest.$Properties instead.
     */
    interface IEncryptRequest extends v2.EncryptRequest.$Properties {
    }

    /** Represents an EncryptRequest. */
    class EncryptRequest {

        /**
         * Constructs a new EncryptRequest.
         * @param [properties] Properties to set
         */
        constructor(properties?: v2.EncryptRequest.$Properties);

        /** Unknown fields preserved while decoding when enabled */
        $unknowns?: Uint8Array[];

        /** EncryptRequest plaintext. */
        plaintext: Uint8Array;

        /** EncryptRequest uid. */
        uid: string;

        /**
         * Encodes the specified EncryptRequest message. Does not implicitly {@link v2.EncryptRequest.verify|verify} messages.
         * @param message EncryptRequest message or plain object to encode
         * @param [writer] Writer to encode to
         * @returns Writer
         */
        static encode(message: v2.EncryptRequest.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

        /**
         * Decodes an EncryptRequest message from the specified reader or buffer.
         * @param reader Reader or buffer to decode from
         * @param [length] Message length if known beforehand
         * @returns {v2.EncryptRequest & v2.EncryptRequest.$Shape} EncryptRequest
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): v2.EncryptRequest & v2.EncryptRequest.$Shape;

        /**
         * Gets the type url for EncryptRequest
         * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns The type url
         */
        static getTypeUrl(prefix?: string): string;
    }

    namespace EncryptRequest {

        /** Properties of an EncryptRequest. */
        interface $Properties {

            /** EncryptRequest plaintext */
            plaintext?: (Uint8Array|null);

            /** EncryptRequest uid */
            uid?: (string|null);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];
        }

        /** Shape of an EncryptRequest. */
        type $Shape = v2.EncryptRequest.$Properties;
    }

    /**
     * Properties of an EncryptResponse.
     * @deprecated Use v2.EncryptResponse.$Properties instead.
     */
    interface IEncryptResponse extends v2.EncryptResponse.$Properties {
    }

    /** Represents an EncryptResponse. */
    class EncryptResponse {

        /**
         * Constructs a new EncryptResponse.
         * @param [properties] Properties to set
         */
        constructor(properties?: v2.EncryptResponse.$Properties);

        /** Unknown fields preserved while decoding when enabled */
        $unknowns?: Uint8Array[];

        /** EncryptResponse ciphertext. */
        ciphertext: Uint8Array;

        /** EncryptResponse keyId. */
        keyId: string;

        /** EncryptResponse annotations. */
        annotations: { [k: string]: Uint8Array };

        /**
         * Encodes the specified EncryptResponse message. Does not implicitly {@link v2.EncryptResponse.verify|verify} messages.
         * @param message EncryptResponse message or plain object to encode
         * @param [writer] Writer to encode to
         * @returns Writer
         */
        static encode(message: v2.EncryptResponse.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

        /**
         * Decodes an EncryptResponse message from the specified reader or buffer.
         * @param reader Reader or buffer to decode from
         * @param [length] Message length if known beforehand
         * @returns {v2.EncryptResponse & v2.EncryptResponse.$Shape} EncryptResponse
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): v2.EncryptResponse & v2.EncryptResponse.$Shape;

        /**
         * Gets the type url for EncryptResponse
         * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns The type url
         */
        static getTypeUrl(prefix?: string): string;
    }

    namespace EncryptResponse {

        /** Properties of an EncryptResponse. */
        interface $Properties {

            /** EncryptResponse ciphertext */
            ciphertext?: (Uint8Array|null);

            /** EncryptResponse keyId */
            keyId?: (string|null);

            /** EncryptResponse annotations */
            annotations?: ({ [k: string]: Uint8Array }|null);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];
        }

        /** Shape of an EncryptResponse. */
        type $Shape = v2.EncryptResponse.$Properties;
    }
}
