import * as $protobuf from "protobufjs";
import Long = require("long");

/** Namespace etcdserverpb. */
export namespace etcdserverpb {

    /**
     * Properties of a ResponseHeader.
     * @deprecated Use etcdserverpb.ResponseHeader.$Properties instead.
     */
    interface IResponseHeader extends etcdserverpb.ResponseHeader.$Properties {
    }

    /** Represents a ResponseHeader. */
    class ResponseHeader {

        /**
         * Constructs a new ResponseHeader.
         * @param [properties] Properties to set
         */
        constructor(properties?: etcdserverpb.ResponseHeader.$Properties);

        /** Unknown fields preserved while decoding when enabled */
        $unknowns?: Uint8Array[];

        /** ResponseHeader clusterId. */
        clusterId: (number|Long);

        /** ResponseHeader memberId. */
        memberId: (number|Long);

        /** ResponseHeader revision. */
        revision: (number|Long);

        /** ResponseHeader raftTerm. */
        raftTerm: (number|Long);

        /**
         * Encodes the specified ResponseHeader message. Does not implicitly {@link etcdserverpb.ResponseHeader.verify|verify} messages.
         * @param message ResponseHeader message or plain object to encode
         * @param [writer] Writer to encode to
         * @returns Writer
         */
        static encode(message: etcdserverpb.ResponseHeader.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

        /**
         * Decodes a ResponseHeader message from the specified reader or buffer.
         * @param reader Reader or buffer to decode from
         * @param [length] Message length if known beforehand
         * @returns {etcdserverpb.ResponseHeader & etcdserverpb.ResponseHeader.$Shape} ResponseHeader
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): etcdserverpb.ResponseHeader & etcdserverpb.ResponseHeader.$Shape;

        /**
         * Gets the type url for ResponseHeader
         * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns The type url
         */
        static getTypeUrl(prefix?: string): string;
    }

    namespace ResponseHeader {

        /** Properties of a ResponseHeader. */
        interface $Properties {

            /** ResponseHeader clusterId */
            clusterId?: (number|Long|null);

            /** ResponseHeader memberId */
            memberId?: (number|Long|null);

            /** ResponseHeader revision */
            revision?: (number|Long|null);

            /** ResponseHeader raftTerm */
            raftTerm?: (number|Long|null);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];
        }

        /** Shape of a ResponseHeader. */
        type $Shape = etcdserverpb.ResponseHeader.$Properties;
    }

    /**
     * Properties of a RangeRequest.
     * @deprecated Use etcdserverpb.RangeRequest.$Properties instead.
     */
    interface IRangeRequest extends etcdserverpb.RangeRequest.$Properties {
    }

    /** Represents a RangeRequest. */
    class RangeRequest {

        /**
         * Constructs a new RangeRequest.
         * @param [properties] Properties to set
         */
        constructor(properties?: etcdserverpb.RangeRequest.$Properties);

        /** Unknown fields preserved while decoding when enabled */
        $unknowns?: Uint8Array[];

        /** RangeRequest key. */
        key: Uint8Array;

        /** RangeRequest rangeEnd. */
        rangeEnd: Uint8Array;

        /** RangeRequest limit. */
        limit: (number|Long);

        /** RangeRequest revision. */
        revision: (number|Long);

        /** RangeRequest sortOrder. */
        sortOrder: etcdserverpb.RangeRequest.SortOrder;

        /** RangeRequest sortTarget. */
        sortTarget: etcdserverpb.RangeRequest.SortTarget;

        /** RangeRequest serializable. */
        serializable: boolean;

        /** RangeRequest keysOnly. */
        keysOnly: boolean;

        /** RangeRequest countOnly. */
        countOnly: boolean;

        /**
         * Encodes the specified RangeRequest message. Does not implicitly {@link etcdserverpb.RangeRequest.verify|verify} messages.
         * @param message RangeRequest message or plain object to encode
         * @param [writer] Writer to encode to
         * @returns Writer
         */
        static encode(message: etcdserverpb.RangeRequest.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

        /**
         * Decodes a RangeRequest message from the specified reader or buffer.
         * @param reader Reader or buffer to decode from
         * @param [length] Message length if known beforehand
         * @returns {etcdserverpb.RangeRequest & etcdserverpb.RangeRequest.$Shape} RangeRequest
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): etcdserverpb.RangeRequest & etcdserverpb.RangeRequest.$Shape;

        /**
         * Gets the type url for RangeRequest
         * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns The type url
         */
        static getTypeUrl(prefix?: string): string;
    }

    namespace RangeRequest {

        /** Properties of a RangeRequest. */
        interface $Properties {

            /** RangeRequest key */
            key?: (Uint8Array|null);

            /** RangeRequest rangeEnd */
            rangeEnd?: (Uint8Array|null);

            /** RangeRequest limit */
            limit?: (number|Long|null);

            /** RangeRequest revision */
            revision?: (number|Long|null);

            /** RangeRequest sortOrder */
            sortOrder?: (etcdserverpb.RangeRequest.SortOrder|null);

            /** RangeRequest sortTarget */
            sortTarget?: (etcdserverpb.RangeRequest.SortTarget|null);

            /** RangeRequest serializable */
            serializable?: (boolean|null);

            /** RangeRequest keysOnly */
            keysOnly?: (boolean|null);

            /** RangeRequest countOnly */
            countOnly?: (boolean|null);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];
        }

        /** Shape of a RangeRequest. */
        type $Shape = etcdserverpb.RangeRequest.$Properties;

        /** SortOrder enum. */
        enum SortOrder {

            /** NONE value */
            NONE = 0,

            /** ASCEND value */
            ASCEND = 1,

            /** DESCEND value */
            DESCEND = 2
        }

        /** SortTarget enum. */
        enum SortTarget {

            /** KEY value */
            KEY = 0,

            /** VERSION value */
            VERSION = 1,

            /** CREATE value */
            CREATE = 2,

            /** MOD value */
            MOD = 3,

            /** VALUE value */
            VALUE = 4
        }
    }

    /**
     * Properties of a RangeResponse.
     * @deprecated Use etcdserverpb.RangeResponse.$Properties instead.
     */
    interface IRangeResponse extends etcdserverpb.RangeResponse.$Properties {
    }

    /** Represents a RangeResponse. */
    class RangeResponse {

        /**
         * Constructs a new RangeResponse.
         * @param [properties] Properties to set
         */
        constructor(properties?: etcdserverpb.RangeResponse.$Properties);

        /** Unknown fields preserved while decoding when enabled */
        $unknowns?: Uint8Array[];

        /** RangeResponse header. */
        header?: (etcdserverpb.ResponseHeader.$Properties|null);

        /** RangeResponse kvs. */
        kvs: etcdserverpb.KeyValue.$Properties[];

        /** RangeResponse more. */
        more: boolean;

        /** RangeResponse count. */
        count: (number|Long);

        /**
         * Encodes the specified RangeResponse message. Does not implicitly {@link etcdserverpb.RangeResponse.verify|verify} messages.
         * @param message RangeResponse message or plain object to encode
         * @param [writer] Writer to encode to
         * @returns Writer
         */
        static encode(message: etcdserverpb.RangeResponse.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

        /**
         * Decodes a RangeResponse message from the specified reader or buffer.
         * @param reader Reader or buffer to decode from
         * @param [length] Message length if known beforehand
         * @returns {etcdserverpb.RangeResponse & etcdserverpb.RangeResponse.$Shape} RangeResponse
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): etcdserverpb.RangeResponse & etcdserverpb.RangeResponse.$Shape;

        /**
         * Gets the type url for RangeResponse
         * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns The type url
         */
        static getTypeUrl(prefix?: string): string;
    }

    namespace RangeResponse {

        /** Properties of a RangeResponse. */
        interface $Properties {

            /** RangeResponse header */
            header?: (etcdserverpb.ResponseHeader.$Properties|null);

            /** RangeResponse kvs */
            kvs?: (etcdserverpb.KeyValue.$Properties[]|null);

            /** RangeResponse more */
            more?: (boolean|null);

            /** RangeResponse count */
            count?: (number|Long|null);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];
        }

        /** Shape of a RangeResponse. */
        type $Shape = etcdserverpb.RangeResponse.$Properties;
    }

    /**
     * Properties of a PutRequest.
     * @deprecated Use etcdserverpb.PutRequest.$Properties instead.
     */
    interface IPutRequest extends etcdserverpb.PutRequest.$Properties {
    }

    /** Represents a PutRequest. */
    class PutRequest {

        /**
         * Constructs a new PutRequest.
         * @param [properties] Properties to set
         */
        constructor(properties?: etcdserverpb.PutRequest.$Properties);

        /** Unknown fields preserved while decoding when enabled */
        $unknowns?: Uint8Array[];

        /** PutRequest key. */
        key: Uint8Array;

        /** PutRequest value. */
        value: Uint8Array;

        /** PutRequest lease. */
        lease: (number|Long);

        /** PutRequest prevKv. */
        prevKv: boolean;

        /**
         * Encodes the specified PutRequest message. Does not implicitly {@link etcdserverpb.PutRequest.verify|verify} messages.
         * @param message PutRequest message or plain object to encode
         * @param [writer] Writer to encode to
         * @returns Writer
         */
        static encode(message: etcdserverpb.PutRequest.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

        /**
         * Decodes a PutRequest message from the specified reader or buffer.
         * @param reader Reader or buffer to decode from
         * @param [length] Message length if known beforehand
         * @returns {etcdserverpb.PutRequest & etcdserverpb.PutRequest.$Shape} PutRequest
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): etcdserverpb.PutRequest & etcdserverpb.PutRequest.$Shape;

        /**
         * Gets the type url for PutRequest
         * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns The type url
         */
        static getTypeUrl(prefix?: string): string;
    }

    namespace PutRequest {

        /** Properties of a PutRequest. */
        interface $Properties {

            /** PutRequest key */
            key?: (Uint8Array|null);

            /** PutRequest value */
            value?: (Uint8Array|null);

            /** PutRequest lease */
            lease?: (number|Long|null);

            /** PutRequest prevKv */
            prevKv?: (boolean|null);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];
        }

        /** Shape of a PutRequest. */
        type $Shape = etcdserverpb.PutRequest.$Properties;
    }

    /**
     * Properties of a PutResponse.
     * @deprecated Use etcdserverpb.PutResponse.$Properties instead.
     */
    interface IPutResponse extends etcdserverpb.PutResponse.$Properties {
    }

    /** Represents a PutResponse. */
    class PutResponse {

        /**
         * Constructs a new PutResponse.
         * @param [properties] Properties to set
         */
        constructor(properties?: etcdserverpb.PutResponse.$Properties);

        /** Unknown fields preserved while decoding when enabled */
        $unknowns?: Uint8Array[];

        /** PutResponse header. */
        header?: (etcdserverpb.ResponseHeader.$Properties|null);

        /**
         * Encodes the specified PutResponse message. Does not implicitly {@link etcdserverpb.PutResponse.verify|verify} messages.
         * @param message PutResponse message or plain object to encode
         * @param [writer] Writer to encode to
         * @returns Writer
         */
        static encode(message: etcdserverpb.PutResponse.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

        /**
         * Decodes a PutResponse message from the specified reader or buffer.
         * @param reader Reader or buffer to decode from
         * @param [length] Message length if known beforehand
         * @returns {etcdserverpb.PutResponse & etcdserverpb.PutResponse.$Shape} PutResponse
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): etcdserverpb.PutResponse & etcdserverpb.PutResponse.$Shape;

        /**
         * Gets the type url for PutResponse
         * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns The type url
         */
        static getTypeUrl(prefix?: string): string;
    }

    namespace PutResponse {

        /** Properties of a PutResponse. */
        interface $Properties {

            /** PutResponse header */
            header?: (etcdserverpb.ResponseHeader.$Properties|null);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];
        }

        /** Shape of a PutResponse. */
        type $Shape = etcdserverpb.PutResponse.$Properties;
    }

    /**
     * Properties of a KeyValue.
     * @deprecated Use etcdserverpb.KeyValue.$Properties instead.
     */
    interface IKeyValue extends etcdserverpb.KeyValue.$Properties {
    }

    /** Represents a KeyValue. */
    class KeyValue {

        /**
         * Constructs a new KeyValue.
         * @param [properties] Properties to set
         */
        constructor(properties?: etcdserverpb.KeyValue.$Properties);

        /** Unknown fields preserved while decoding when enabled */
        $unknowns?: Uint8Array[];

        /** KeyValue key. */
        key: Uint8Array;

        /** KeyValue createRevision. */
        createRevision: (number|Long);

        /** KeyValue modRevision. */
        modRevision: (number|Long);

        /** KeyValue version. */
        version: (number|Long);

        /** KeyValue value. */
        value: Uint8Array;

        /** KeyValue lease. */
        lease: (number|Long);

        /**
         * Encodes the specified KeyValue message. Does not implicitly {@link etcdserverpb.KeyValue.verify|verify} messages.
         * @param message KeyValue message or plain object to encode
         * @param [writer] Writer to encode to
         * @returns Writer
         */
        static encode(message: etcdserverpb.KeyValue.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

        /**
         * Decodes a KeyValue message from the specified reader or buffer.
         * @param reader Reader or buffer to decode from
         * @param [length] Message length if known beforehand
         * @returns {etcdserverpb.KeyValue & etcdserverpb.KeyValue.$Shape} KeyValue
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): etcdserverpb.KeyValue & etcdserverpb.KeyValue.$Shape;

        /**
         * Gets the type url for KeyValue
         * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns The type url
         */
        static getTypeUrl(prefix?: string): string;
    }

    namespace KeyValue {

        /** Properties of a KeyValue. */
        interface $Properties {

            /** KeyValue key */
            key?: (Uint8Array|null);

            /** KeyValue createRevision */
            createRevision?: (number|Long|null);

            /** KeyValue modRevision */
            modRevision?: (number|Long|null);

            /** KeyValue version */
            version?: (number|Long|null);

            /** KeyValue value */
            value?: (Uint8Array|null);

            /** KeyValue lease */
            lease?: (number|Long|null);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];
        }

        /** Shape of a KeyValue. */
        type $Shape = etcdserverpb.KeyValue.$Properties;
    }
}
