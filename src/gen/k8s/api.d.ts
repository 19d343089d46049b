import * as $protobuf from "protobufjs";
import Long = require("long");

/** Namespace kmsstorage. */
export namespace kmsstorage {

    /** EncryptedDEKSourceType enum. */
    enum EncryptedDEKSourceType {

        /** AES_GCM_KEY value */
        AES_GCM_KEY = 0,

        /** HKDF_SHA256_XNONCE_AES_GCM_SEED value */
        HKDF_SHA256_XNONCE_AES_GCM_SEED = 1
    }

    /**
     * Properties of an EncryptedObject.
     * @deprecated Use kmsstorage.EncryptedObject.$Properties instead.
     */
    interface IEncryptedObject extends kmsstorage.EncryptedObject.$Properties {
    }

    /** Represents an EncryptedObject. */
    class EncryptedObject {

        /**
         * Constructs a new EncryptedObject.
         * @param [properties] Properties to set
         */
        constructor(properties?: kmsstorage.EncryptedObject.$Properties);

        /** Unknown fields preserved while decoding when enabled */
        $unknowns?: Uint8Array[];

        /** EncryptedObject encryptedData. */
        encryptedData: Uint8Array;

        /** EncryptedObject keyID. */
        keyID: string;

        /** EncryptedObject encryptedDEKSource. */
        encryptedDEKSource: Uint8Array;

        /** EncryptedObject annotations. */
        annotations: { [k: string]: Uint8Array };

        /** EncryptedObject encryptedDEKSourceType. */
        encryptedDEKSourceType: kmsstorage.EncryptedDEKSourceType;

        /**
         * Encodes the specified EncryptedObject message. Does not implicitly {@link kmsstorage.EncryptedObject.verify|verify} messages.
         * @param message EncryptedObject message or plain object to encode
         * @param [writer] Writer to encode to
         * @returns Writer
         */
        static encode(message: kmsstorage.EncryptedObject.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

        /**
         * Decodes an EncryptedObject message from the specified reader or buffer.
         * @param reader Reader or buffer to decode from
         * @param [length] Message length if known beforehand
         * @returns {kmsstorage.EncryptedObject & kmsstorage.EncryptedObject.$Shape} EncryptedObject
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): kmsstorage.EncryptedObject & kmsstorage.EncryptedObject.$Shape;

        /**
         * Gets the type url for EncryptedObject
         * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns The type url
         */
        static getTypeUrl(prefix?: string): string;
    }

    namespace EncryptedObject {

        /** Properties of an EncryptedObject. */
        interface $Properties {

            /** EncryptedObject encryptedData */
            encryptedData?: (Uint8Array|null);

            /** EncryptedObject keyID */
            keyID?: (string|null);

            /** EncryptedObject encryptedDEKSource */
            encryptedDEKSource?: (Uint8Array|null);

            /** EncryptedObject annotations */
            annotations?: ({ [k: string]: Uint8Array }|null);

            /** EncryptedObject encryptedDEKSourceType */
            encryptedDEKSourceType?: (kmsstorage.EncryptedDEKSourceType|null);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];
        }

        /** Shape of an EncryptedObject. */
        type $Shape = kmsstorage.EncryptedObject.$Properties;
    }
}

/** Namespace k8sobjects. */
export namespace k8sobjects {

    /**
     * Properties of a TypeMeta.
     * @deprecated Use k8sobjects.TypeMeta.$Properties instead.
     */
    interface ITypeMeta extends k8sobjects.TypeMeta.$Properties {
    }

    /** Represents a TypeMeta. */
    class TypeMeta {

        /**
         * Constructs a new TypeMeta.
         * @param [properties] Properties to set
         */
        constructor(properties?: k8sobjects.TypeMeta.$Properties);

        /** Unknown fields preserved while decoding when enabled */
        $unknowns?: Uint8Array[];

        /** TypeMeta apiVersion. */
        apiVersion: string;

        /** TypeMeta kind. */
        kind: string;

        /**
         * Encodes the specified TypeMeta message. Does not implicitly {@link k8sobjects.TypeMeta.verify|verify} messages.
         * @param message TypeMeta message or plain object to encode
         * @param [writer] Writer to encode to
         * @returns Writer
         */
        static encode(message: k8sobjects.TypeMeta.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

        /**
         * Decodes a TypeMeta message from the specified reader or buffer.
         * @param reader Reader or buffer to decode from
         * @param [length] Message length if known beforehand
         * @returns {k8sobjects.TypeMeta & k8sobjects.TypeMeta.$Shape} TypeMeta
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): k8sobjects.TypeMeta & k8sobjects.TypeMeta.$Shape;

        /**
         * Gets the type url for TypeMeta
         * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns The type url
         */
        static getTypeUrl(prefix?: string): string;
    }

    namespace TypeMeta {

        /** Properties of a TypeMeta. */
        interface $Properties {

            /** TypeMeta apiVersion */
            apiVersion?: (string|null);

            /** TypeMeta kind */
            kind?: (string|null);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];
        }

        /** Shape of a TypeMeta. */
        type $Shape = k8sobjects.TypeMeta.$Properties;
    }

    /**
     * Properties of an Unknown.
     * @deprecated Use k8sobjects.Unknown.$Properties instead.
     */
    interface IUnknown extends k8sobjects.Unknown.$Properties {
    }

    /** Represents an Unknown. */
    class Unknown {

        /**
         * Constructs a new Unknown.
         * @param [properties] Properties to set
         */
        constructor(properties?: k8sobjects.Unknown.$Properties);

        /** Unknown fields preserved while decoding when enabled */
        $unknowns?: Uint8Array[];

        /** Unknown typeMeta. */
        typeMeta?: (k8sobjects.TypeMeta.$Properties|null);

        /** Unknown raw. */
        raw: Uint8Array;

        /** Unknown contentEncoding. */
        contentEncoding: string;

        /** Unknown contentType. */
        contentType: string;

        /**
         * Encodes the specified Unknown message. Does not implicitly {@link k8sobjects.Unknown.verify|verify} messages.
         * @param message Unknown message or plain object to encode
         * @param [writer] Writer to encode to
         * @returns Writer
         */
        static encode(message: k8sobjects.Unknown.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

        /**
         * Decodes an Unknown message from the specified reader or buffer.
         * @param reader Reader or buffer to decode from
         * @param [length] Message length if known beforehand
         * @returns {k8sobjects.Unknown & k8sobjects.Unknown.$Shape} Unknown
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): k8sobjects.Unknown & k8sobjects.Unknown.$Shape;

        /**
         * Gets the type url for Unknown
         * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns The type url
         */
        static getTypeUrl(prefix?: string): string;
    }

    namespace Unknown {

        /** Properties of an Unknown. */
        interface $Properties {

            /** Unknown typeMeta */
            typeMeta?: (k8sobjects.TypeMeta.$Properties|null);

            /** Unknown raw */
            raw?: (Uint8Array|null);

            /** Unknown contentEncoding */
            contentEncoding?: (string|null);

            /** Unknown contentType */
            contentType?: (string|null);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];
        }

        /** Shape of an Unknown. */
        type $Shape = k8sobjects.Unknown.$Properties;
    }

    /**
     * Properties of a Time.
     * @deprecated Use k8sobjects.Time.$Properties instead.
     */
    interface ITime extends k8sobjects.Time.$Properties {
    }

    /** Represents a Time. */
    class Time {

        /**
         * Constructs a new Time.
         * @param [properties] Properties to set
         */
        constructor(properties?: k8sobjects.Time.$Properties);

        /** Unknown fields preserved while decoding when enabled */
        $unknowns?: Uint8Array[];

        /** Time seconds. */
        seconds: (number|Long);

        /** Time nanos. */
        nanos: number;

        /**
         * Encodes the specified Time message. Does not implicitly {@link k8sobjects.Time.verify|verify} messages.
         * @param message Time message or plain object to encode
         * @param [writer] Writer to encode to
         * @returns Writer
         */
        static encode(message: k8sobjects.Time.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

        /**
         * Decodes a Time message from the specified reader or buffer.
         * @param reader Reader or buffer to decode from
         * @param [length] Message length if known beforehand
         * @returns {k8sobjects.Time & k8sobjects.Time.$Shape} Time
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): k8sobjects.Time & k8sobjects.Time.$Shape;

        /**
         * Gets the type url for Time
         * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns The type url
         */
        static getTypeUrl(prefix?: string): string;
    }

    namespace Time {

        /** Properties of a Time. */
        interface $Properties {

            /** Time seconds */
            seconds?: (number|Long|null);

            /** Time nanos */
            nanos?: (number|null);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];
        }

        /** Shape of a Time. */
        type $Shape = k8sobjects.Time.$Properties;
    }

    /**
     * Properties of an ObjectMeta.
     * @deprecated Use k8sobjects.ObjectMeta.$Properties instead.
     */
    interface IObjectMeta extends k8sobjects.ObjectMeta.$Properties {
    }

    /** Represents an ObjectMeta. */
    class ObjectMeta {

        /**
         * Constructs a new ObjectMeta.
         * @param [properties] Properties to set
         */
        constructor(properties?: k8sobjects.ObjectMeta.$Properties);

        /** Unknown fields preserved while decoding when enabled */
        $unknowns?: Uint8Array[];

        /** ObjectMeta name. */
        name: string;

        /** ObjectMeta generateName. */
        generateName: string;

        /** ObjectMeta namespace. */
        namespace: string;

        /** ObjectMeta uid. */
        uid: string;

        /** ObjectMeta resourceVersion. */
        resourceVersion: string;

        /** ObjectMeta creationTimestamp. */
        creationTimestamp?: (k8sobjects.Time.$Properties|null);

        /** ObjectMeta labels. */
        labels: { [k: string]: string };

        /** ObjectMeta annotations. */
        annotations: { [k: string]: string };

        /** ObjectMeta finalizers. */
        finalizers: string[];

        /**
         * Encodes the specified ObjectMeta message. Does not implicitly {@link k8sobjects.ObjectMeta.verify|verify} messages.
         * @param message ObjectMeta message or plain object to encode
         * @param [writer] Writer to encode to
         * @returns Writer
         */
        static encode(message: k8sobjects.ObjectMeta.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

        /**
         * Decodes an ObjectMeta message from the specified reader or buffer.
         * @param reader Reader or buffer to decode from
         * @param [length] Message length if known beforehand
         * @returns {k8sobjects.ObjectMeta & k8sobjects.ObjectMeta.$Shape} ObjectMeta
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): k8sobjects.ObjectMeta & k8sobjects.ObjectMeta.$Shape;

        /**
         * Gets the type url for ObjectMeta
         * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns The type url
         */
        static getTypeUrl(prefix?: string): string;
    }

    namespace ObjectMeta {

        /** Properties of an ObjectMeta. */
        interface $Properties {

            /** ObjectMeta name */
            name?: (string|null);

            /** ObjectMeta generateName */
            generateName?: (string|null);

            /** ObjectMeta namespace */
            namespace?: (string|null);

            /** ObjectMeta uid */
            uid?: (string|null);

            /** ObjectMeta resourceVersion */
            resourceVersion?: (string|null);

            /** ObjectMeta creationTimestamp */
            creationTimestamp?: (k8sobjects.Time.$Properties|null);

            /** ObjectMeta labels */
            labels?: ({ [k: string]: string }|null);

            /** ObjectMeta annotations */
            annotations?: ({ [k: string]: string }|null);

            /** ObjectMeta finalizers */
            finalizers?: (string[]|null);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];
        }

        /** Shape of an ObjectMeta. */
        type $Shape = k8sobjects.ObjectMeta.$Properties;
    }

    /**
     * Properties of a Secret.
     * @deprecated Use k8sobjects.Secret.$Properties instead.
     */
    interface ISecret extends k8sobjects.Secret.$Properties {
    }

    /** Represents a Secret. */
    class Secret {

        /**
         * Constructs a new Secret.
         * @param [properties] Properties to set
         */
        constructor(properties?: k8sobjects.Secret.$Properties);

        /** Unknown fields preserved while decoding when enabled */
        $unknowns?: Uint8Array[];

        /** Secret metadata. */
        metadata?: (k8sobjects.ObjectMeta.$Properties|null);

        /** Secret data. */
        data: { [k: string]: Uint8Array };

        /** Secret type. */
        type: string;

        /** Secret stringData. */
        stringData: { [k: string]: string };

        /** Secret immutable. */
        immutable: boolean;

        /**
         * Encodes the specified Secret message. Does not implicitly {@link k8sobjects.Secret.verify|verify} messages.
         * @param message Secret message or plain object to encode
         * @param [writer] Writer to encode to
         * @returns Writer
         */
        static encode(message: k8sobjects.Secret.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

        /**
         * Decodes a Secret message from the specified reader or buffer.
         * @param reader Reader or buffer to decode from
         * @param [length] Message length if known beforehand
         * @returns {k8sobjects.Secret & k8sobjects.Secret.$Shape} Secret
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): k8sobjects.Secret & k8sobjects.Secret.$Shape;

        /**
         * Gets the type url for Secret
         * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns The type url
         */
        static getTypeUrl(prefix?: string): string;
    }

    namespace Secret {

        /** Properties of a Secret. */
        interface $Properties {

            /** Secret metadata */
            metadata?: (k8sobjects.ObjectMeta.$Properties|null);

            /** Secret data */
            data?: ({ [k: string]: Uint8Array }|null);

            /** Secret type */
            type?: (string|null);

            /** Secret stringData */
            stringData?: ({ [k: string]: string }|null);

            /** Secret immutable */
            immutable?: (boolean|null);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];
        }

        /** Shape of a Secret. */
        type $Shape = k8sobjects.Secret.$Properties;
    }

    /**
     * Properties of a ConfigMap.
     * @deprecated Use k8sobjects.ConfigMap.$Properties instead.
     */
    interface IConfigMap extends k8sobjects.ConfigMap.$Properties {
    }

    /** Represents a ConfigMap. */
    class ConfigMap {

        /**
         * Constructs a new ConfigMap.
         * @param [properties] Properties to set
         */
        constructor(properties?: k8sobjects.ConfigMap.$Properties);

        /** Unknown fields preserved while decoding when enabled */
        $unknowns?: Uint8Array[];

        /** ConfigMap metadata. */
        metadata?: (k8sobjects.ObjectMeta.$Properties|null);

        /** ConfigMap data. */
        data: { [k: string]: string };

        /** ConfigMap binaryData. */
        binaryData: { [k: string]: Uint8Array };

        /** ConfigMap immutable. */
        immutable: boolean;

        /**
         * Encodes the specified ConfigMap message. Does not implicitly {@link k8sobjects.ConfigMap.verify|verify} messages.
         * @param message ConfigMap message or plain object to encode
         * @param [writer] Writer to encode to
         * @returns Writer
         */
        static encode(message: k8sobjects.ConfigMap.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

        /**
         * Decodes a ConfigMap message from the specified reader or buffer.
         * @param reader Reader or buffer to decode from
         * @param [length] Message length if known beforehand
         * @returns {k8sobjects.ConfigMap & k8sobjects.ConfigMap.$Shape} ConfigMap
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): k8sobjects.ConfigMap & k8sobjects.ConfigMap.$Shape;

        /**
         * Gets the type url for ConfigMap
         * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns The type url
         */
        static getTypeUrl(prefix?: string): string;
    }

    namespace ConfigMap {

        /** Properties of a ConfigMap. */
        interface $Properties {

            /** ConfigMap metadata */
            metadata?: (k8sobjects.ObjectMeta.$Properties|null);

            /** ConfigMap data */
            data?: ({ [k: string]: string }|null);

            /** ConfigMap binaryData */
            binaryData?: ({ [k: string]: Uint8Array }|null);

            /** ConfigMap immutable */
            immutable?: (boolean|null);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];
        }

        /** Shape of a ConfigMap. */
        type $Shape = k8sobjects.ConfigMap.$Properties;
    }
}
