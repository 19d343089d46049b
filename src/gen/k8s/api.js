/*eslint-disable block-scoped-var, id-length, no-control-regex, no-magic-numbers, no-mixed-operators, no-prototype-builtins, no-redeclare, no-shadow, no-var, sort-vars, default-case, jsdoc/require-param*/
import $protobuf from "protobufjs/minimal.js";

// Common aliases
const $Reader = $protobuf.Reader, $Writer = $protobuf.Writer, $util = $protobuf.util;
const $Object = $util.global.Object, $undefined = $util.global.undefined, $Error = $util.global.Error, $RangeError = $util.global.RangeError;

// Exported root namespace
const $root = $protobuf.roots["default"] || ($protobuf.roots["default"] = {});

export const kmsstorage = $root.kmsstorage = (() => {

    /**
     * Namespace kmsstorage.
     * @exports kmsstorage
     * @namespace
     */
    const kmsstorage = {};

    /**
     * EncryptedDEKSourceType enum.
     * @name kmsstorage.EncryptedDEKSourceType
     * @enum {number}
     * @property {number} AES_GCM_KEY=0 AES_GCM_KEY value
     * @property {number} HKDF_SHA256_XNONCE_AES_GCM_SEED=1 HKDF_SHA256_XNONCE_AES_GCM_SEED value
     */
    kmsstorage.EncryptedDEKSourceType = (function() {
        const valuesById = $Object.create(null), values = $Object.create(valuesById);
        values[valuesById[0] = "AES_GCM_KEY"] = 0;
        values[valuesById[1] = "HKDF_SHA256_XNONCE_AES_GCM_SEED"] = 1;
        return values;
    })();

    kmsstorage.EncryptedObject = (function() {

        /**
         * Properties of an EncryptedObject.
         * @typedef {Object} kmsstorage.EncryptedObject.$Properties
         * @property {Uint8Array|null} [encryptedData] EncryptedObject encryptedData
         * @property {string|null} [keyID] EncryptedObject keyID
         * @property {Uint8Array|null} [encryptedDEKSource] EncryptedObject encryptedDEKSource
         * @property {Object.<string,Uint8Array>|null} [annotations] EncryptedObject annotations
         * @property {kmsstorage.EncryptedDEKSourceType|null} [encryptedDEKSourceType] EncryptedObject encryptedDEKSourceType
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */

        /**
         * Properties of an EncryptedObject.
         * @memberof kmsstorage
         * @interface IEncryptedObject
         * @augments kmsstorage.EncryptedObject.$Properties
         * @deprecated Use kmsstorage.EncryptedObject.$Properties instead.
         */

        /**
         * Shape of an EncryptedObject.
         * @typedef {kmsstorage.EncryptedObject.$Properties} kmsstorage.EncryptedObject.$Shape
         */

        /**
         * Constructs a new EncryptedObject.
         * @memberof kmsstorage
         * @classdesc Represents an EncryptedObject.
         * @constructor
         * @param {kmsstorage.EncryptedObject.$Properties=} [properties] Properties to set
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */
        const EncryptedObject = function (properties) {
            this.annotations = {};
            if (properties)
                for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        };

        /**
         * EncryptedObject encryptedData.
         * @member {Uint8Array} encryptedData
         * @memberof kmsstorage.EncryptedObject
         * @instance
         */
        EncryptedObject.prototype.encryptedData = $util.newBuffer([]);

        /**
         * EncryptedObject keyID.
         * @member {string} keyID
         * @memberof kmsstorage.EncryptedObject
         * @instance
         */
        EncryptedObject.prototype.keyID = "";

        /**
         * EncryptedObject encryptedDEKSource.
         * @member {Uint8Array} encryptedDEKSource
         * @memberof kmsstorage.EncryptedObject
         * @instance
         */
        EncryptedObject.prototype.encryptedDEKSource = $util.newBuffer([]);

        /**
         * EncryptedObject annotations.
         * @member {Object.<string,Uint8Array>} annotations
         * @memberof kmsstorage.EncryptedObject
         * @instance
         */
        EncryptedObject.prototype.annotations = $util.emptyObject;

        /**
         * EncryptedObject encryptedDEKSourceType.
         * @member {kmsstorage.EncryptedDEKSourceType} encryptedDEKSourceType
         * @memberof kmsstorage.EncryptedObject
         * @instance
         */
        EncryptedObject.prototype.encryptedDEKSourceType = 0;

        /**
         * Encodes the specified EncryptedObject message. Does not implicitly {@link kmsstorage.EncryptedObject.verify|verify} messages.
         * @function encode
         * @memberof kmsstorage.EncryptedObject
         * @static
         * @param {kmsstorage.EncryptedObject.$Properties} message EncryptedObject message or plain object to encode
         * @param {$protobuf.Writer} [writer] Writer to encode to
         * @returns {$protobuf.Writer} Writer
         */
        EncryptedObject.encode = function (message, writer, _depth) {
            if (!writer)
                writer = $Writer.create();
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $util.recursionLimit)
                throw $Error("max depth exceeded");
            if (message.encryptedData != null && $Object.hasOwnProperty.call(message, "encryptedData") && message.encryptedData.length)
                writer.uint32(/* id 1, wireType 2 =*/10).bytes(message.encryptedData);
            if (message.keyID != null && $Object.hasOwnProperty.call(message, "keyID") && message.keyID !== "")
                writer.uint32(/* id 2, wireType 2 =*/18).string(message.keyID);
            if (message.encryptedDEKSource != null && $Object.hasOwnProperty.call(message, "encryptedDEKSource") && message.encryptedDEKSource.length)
                writer.uint32(/* id 3, wireType 2 =*/26).bytes(message.encryptedDEKSource);
            if (message.annotations != null && $Object.hasOwnProperty.call(message, "annotations"))
                for (let keys = $Object.keys(message.annotations), i = 0; i < keys.length; ++i)
                    writer.uint32(/* id 4, wireType 2 =*/34).fork().uint32(/* id 1, wireType 2 =*/10).string(keys[i]).uint32(/* id 2, wireType 2 =*/18).bytes(message.annotations[keys[i]]).ldelim();
            if (message.encryptedDEKSourceType != null && $Object.hasOwnProperty.call(message, "encryptedDEKSourceType") && message.encryptedDEKSourceType !== 0)
                writer.uint32(/* id 5, wireType 0 =*/40).int32(message.encryptedDEKSourceType);
            if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                for (let i = 0; i < message.$unknowns.length; ++i)
                    writer.raw(message.$unknowns[i]);
            return writer;
        };

        /**
         * Decodes an EncryptedObject message from the specified reader or buffer.
         * @function decode
         * @memberof kmsstorage.EncryptedObject
         * @static
         * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
         * @param {number} [length] Message length if known beforehand
         * @returns {kmsstorage.EncryptedObject & kmsstorage.EncryptedObject.$Shape} EncryptedObject
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        EncryptedObject.decode = function (reader, length, _end, _depth, _target) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $Reader.recursionLimit)
                throw $Error("max depth exceeded");
            let end, message, key, value;
            if (length === $undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw $RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = _target || new $root.kmsstorage.EncryptedObject();
            while (reader.pos < end) {
                let start = reader.pos;
                let tag = reader.tag();
                if (tag === _end) {
                    _end = $undefined;
                    break;
                }
                let wireType = tag & 7;
                switch (tag >>>= 3) {
                case 1: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.bytes()).length)
                            message.encryptedData = value;
                        else
                            delete message.encryptedData;
                        continue;
                    }
                case 2: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.stringVerify()).length)
                            message.keyID = value;
                        else
                            delete message.keyID;
                        continue;
                    }
                case 3: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.bytes()).length)
                            message.encryptedDEKSource = value;
                        else
                            delete message.encryptedDEKSource;
                        continue;
                    }
                case 4: {
                        if (wireType !== 2)
                            break;
                        if (message.annotations === $util.emptyObject)
                            message.annotations = {};
                        let end2 = reader.size() + reader.pos;
                        if (end2 > reader.len)
                            throw $RangeError("index out of range");
                        reader.len = end2;
                        key = "";
                        value = $util.newBuffer([]);
                        while (reader.pos < end2) {
                            let tag2 = reader.tag();
                            wireType = tag2 & 7;
                            switch (tag2 >>>= 3) {
                            case 1:
                                if (wireType !== 2)
                                    break;
                                key = reader.stringVerify();
                                continue;
                            case 2:
                                if (wireType !== 2)
                                    break;
                                value = reader.bytes();
                                continue;
                            }
                            reader.skipType(wireType, _depth, tag2);
                        }
                        if (reader.pos !== end2)
                            throw $RangeError("index out of range");
                        reader.len = end;
                        if (key === "__proto__")
                            $util.makeProp(message.annotations, key);
                        message.annotations[key] = value;
                        continue;
                    }
                case 5: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.int32())
                            message.encryptedDEKSourceType = value;
                        else
                            delete message.encryptedDEKSourceType;
                        continue;
                    }
                }
                reader.skipType(wireType, _depth, tag);
                if (!reader.discardUnknown) {
                    $util.makeProp(message, "$unknowns", false);
                    (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                }
            }
            if (length !== $undefined) {
                if (reader.pos !== end)
                    throw $RangeError("index out of range");
                reader.len = length;
            }
            if (_end !== $undefined)
                throw $Error("missing end group");
            return message;
        };

        /**
         * Gets the type url for EncryptedObject
         * @function getTypeUrl
         * @memberof kmsstorage.EncryptedObject
         * @static
         * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns {string} The type url
         */
        EncryptedObject.getTypeUrl = function(prefix) {
            if (prefix === $undefined)
                prefix = "type.googleapis.com";
            return prefix + "/kmsstorage.EncryptedObject";
        };

        return EncryptedObject;
    })();

    return kmsstorage;
})();

export const k8sobjects = $root.k8sobjects = (() => {

    /**
     * Namespace k8sobjects.
     * @exports k8sobjects
     * @namespace
     */
    const k8sobjects = {};

    k8sobjects.TypeMeta = (function() {

        /**
         * Properties of a TypeMeta.
         * @typedef {Object} k8sobjects.TypeMeta.$Properties
         * @property {string|null} [apiVersion] TypeMeta apiVersion
         * @property {string|null} [kind] TypeMeta kind
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */

        /**
         * Properties of a TypeMeta.
         * @memberof k8sobjects
         * @interface ITypeMeta
         * @augments k8sobjects.TypeMeta.$Properties
         * @deprecated Use k8sobjects.TypeMeta.$Properties instead.
         */

        /**
         * Shape of a TypeMeta.
         * @typedef {k8sobjects.TypeMeta.$Properties} k8sobjects.TypeMeta.$Shape
         */

        /**
         * Constructs a new TypeMeta.
         * @memberof k8sobjects
         * @classdesc Represents a TypeMeta.
         * @constructor
         * @param {k8sobjects.TypeMeta.$Properties=} [properties] Properties to set
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */
        const TypeMeta = function (properties) {
            if (properties)
                for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        };

        /**
         * TypeMeta apiVersion.
         * @member {string} apiVersion
         * @memberof k8sobjects.TypeMeta
         * @instance
         */
        TypeMeta.prototype.apiVersion = "";

        /**
         * TypeMeta kind.
         * @member {string} kind
         * @memberof k8sobjects.TypeMeta
         * @instance
         */
        TypeMeta.prototype.kind = "";

        /**
         * Encodes the specified TypeMeta message. Does not implicitly {@link k8sobjects.TypeMeta.verify|verify} messages.
         * @function encode
         * @memberof k8sobjects.TypeMeta
         * @static
         * @param {k8sobjects.TypeMeta.$Properties} message TypeMeta message or plain object to encode
         * @param {$protobuf.Writer} [writer] Writer to encode to
         * @returns {$protobuf.Writer} Writer
         */
        TypeMeta.encode = function (message, writer, _depth) {
            if (!writer)
                writer = $Writer.create();
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $util.recursionLimit)
                throw $Error("max depth exceeded");
            if (message.apiVersion != null && $Object.hasOwnProperty.call(message, "apiVersion"))
                writer.uint32(/* id 1, wireType 2 =*/10).string(message.apiVersion);
            if (message.kind != null && $Object.hasOwnProperty.call(message, "kind"))
                writer.uint32(/* id 2, wireType 2 =*/18).string(message.kind);
            if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                for (let i = 0; i < message.$unknowns.length; ++i)
                    writer.raw(message.$unknowns[i]);
            return writer;
        };

        /**
         * Decodes a TypeMeta message from the specified reader or buffer.
         * @function decode
         * @memberof k8sobjects.TypeMeta
         * @static
         * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
         * @param {number} [length] Message length if known beforehand
         * @returns {k8sobjects.TypeMeta & k8sobjects.TypeMeta.$Shape} TypeMeta
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        TypeMeta.decode = function (reader, length, _end, _depth, _target) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $Reader.recursionLimit)
                throw $Error("max depth exceeded");
            let end, message;
            if (length === $undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw $RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = _target || new $root.k8sobjects.TypeMeta();
            while (reader.pos < end) {
                let start = reader.pos;
                let tag = reader.tag();
                if (tag === _end) {
                    _end = $undefined;
                    break;
                }
                let wireType = tag & 7;
                switch (tag >>>= 3) {
                case 1: {
                        if (wireType !== 2)
                            break;
                        message.apiVersion = reader.string();
                        continue;
                    }
                case 2: {
                        if (wireType !== 2)
                            break;
                        message.kind = reader.string();
                        continue;
                    }
                }
                reader.skipType(wireType, _depth, tag);
                if (!reader.discardUnknown) {
                    $util.makeProp(message, "$unknowns", false);
                    (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                }
            }
            if (length !== $undefined) {
                if (reader.pos !== end)
                    throw $RangeError("index out of range");
                reader.len = length;
            }
            if (_end !== $undefined)
                throw $Error("missing end group");
            return message;
        };

        /**
         * Gets the type url for TypeMeta
         * @function getTypeUrl
         * @memberof k8sobjects.TypeMeta
         * @static
         * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns {string} The type url
         */
        TypeMeta.getTypeUrl = function(prefix) {
            if (prefix === $undefined)
                prefix = "type.googleapis.com";
            return prefix + "/k8sobjects.TypeMeta";
        };

        return TypeMeta;
    })();

    k8sobjects.Unknown = (function() {

        /**
         * Properties of an Unknown.
         * @typedef {Object} k8sobjects.Unknown.$Properties
         * @property {k8sobjects.TypeMeta.$Properties|null} [typeMeta] Unknown typeMeta
         * @property {Uint8Array|null} [raw] Unknown raw
         * @property {string|null} [contentEncoding] Unknown contentEncoding
         * @property {string|null} [contentType] Unknown contentType
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */

        /**
         * Properties of an Unknown.
         * @memberof k8sobjects
         * @interface IUnknown
         * @augments k8sobjects.Unknown.$Properties
         * @deprecated Use k8sobjects.Unknown.$Properties instead.
         */

        /**
         * Shape of an Unknown.
         * @typedef {k8sobjects.Unknown.$Properties} k8sobjects.Unknown.$Shape
         */

        /**
         * Constructs a new Unknown.
         * @memberof k8sobjects
         * @classdesc Represents an Unknown.
         * @constructor
         * @param {k8sobjects.Unknown.$Properties=} [properties] Properties to set
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */
        const Unknown = function (properties) {
            if (properties)
                for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        };

        /**
         * Unknown typeMeta.
         * @member {k8sobjects.TypeMeta.$Properties|null|undefined} typeMeta
         * @memberof k8sobjects.Unknown
         * @instance
         */
        Unknown.prototype.typeMeta = null;

        /**
         * Unknown raw.
         * @member {Uint8Array} raw
         * @memberof k8sobjects.Unknown
         * @instance
         */
        Unknown.prototype.raw = $util.newBuffer([]);

        /**
         * Unknown contentEncoding.
         * @member {string} contentEncoding
         * @memberof k8sobjects.Unknown
         * @instance
         */
        Unknown.prototype.contentEncoding = "";

        /**
         * Unknown contentType.
         * @member {string} contentType
         * @memberof k8sobjects.Unknown
         * @instance
         */
        Unknown.prototype.contentType = "";

        /**
         * Encodes the specified Unknown message. Does not implicitly {@link k8sobjects.Unknown.verify|verify} messages.
         * @function encode
         * @memberof k8sobjects.Unknown
         * @static
         * @param {k8sobjects.Unknown.$Properties} message Unknown message or plain object to encode
         * @param {$protobuf.Writer} [writer] Writer to encode to
         * @returns {$protobuf.Writer} Writer
         */
        Unknown.encode = function (message, writer, _depth) {
            if (!writer)
                writer = $Writer.create();
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $util.recursionLimit)
                throw $Error("max depth exceeded");
            if (message.typeMeta != null && $Object.hasOwnProperty.call(message, "typeMeta"))
                $root.k8sobjects.TypeMeta.encode(message.typeMeta, writer.uint32(/* id 1, wireType 2 =*/10).fork(), _depth + 1).ldelim();
            if (message.raw != null && $Object.hasOwnProperty.call(message, "raw"))
                writer.uint32(/* id 2, wireType 2 =*/18).bytes(message.raw);
            if (message.contentEncoding != null && $Object.hasOwnProperty.call(message, "contentEncoding"))
                writer.uint32(/* id 3, wireType 2 =*/26).string(message.contentEncoding);
            if (message.contentType != null && $Object.hasOwnProperty.call(message, "contentType"))
                writer.uint32(/* id 4, wireType 2 =*/34).string(message.contentType);
            if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                for (let i = 0; i < message.$unknowns.length; ++i)
                    writer.raw(message.$unknowns[i]);
            return writer;
        };

        /**
         * Decodes an Unknown message from the specified reader or buffer.
         * @function decode
         * @memberof k8sobjects.Unknown
         * @static
         * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
         * @param {number} [length] Message length if known beforehand
         * @returns {k8sobjects.Unknown & k8sobjects.Unknown.$Shape} Unknown
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        Unknown.decode = function (reader, length, _end, _depth, _target) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $Reader.recursionLimit)
                throw $Error("max depth exceeded");
            let end, message;
            if (length === $undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw $RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = _target || new $root.k8sobjects.Unknown();
            while (reader.pos < end) {
                let start = reader.pos;
                let tag = reader.tag();
                if (tag === _end) {
                    _end = $undefined;
                    break;
                }
                let wireType = tag & 7;
                switch (tag >>>= 3) {
                case 1: {
                        if (wireType !== 2)
                            break;
                        message.typeMeta = $root.k8sobjects.TypeMeta.decode(reader, reader.size(), $undefined, _depth + 1, message.typeMeta);
                        continue;
                    }
                case 2: {
                        if (wireType !== 2)
                            break;
                        message.raw = reader.bytes();
                        continue;
                    }
                case 3: {
                        if (wireType !== 2)
                            break;
                        message.contentEncoding = reader.string();
                        continue;
                    }
                case 4: {
                        if (wireType !== 2)
                            break;
                        message.contentType = reader.string();
                        continue;
                    }
                }
                reader.skipType(wireType, _depth, tag);
                if (!reader.discardUnknown) {
                    $util.makeProp(message, "$unknowns", false);
                    (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                }
            }
            if (length !== $undefined) {
                if (reader.pos !== end)
                    throw $RangeError("index out of range");
                reader.len = length;
            }
            if (_end !== $undefined)
                throw $Error("missing end group");
            return message;
        };

        /**
         * Gets the type url for Unknown
         * @function getTypeUrl
         * @memberof k8sobjects.Unknown
         * @static
         * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns {string} The type url
         */
        Unknown.getTypeUrl = function(prefix) {
            if (prefix === $undefined)
                prefix = "type.googleapis.com";
            return prefix + "/k8sobjects.Unknown";
        };

        return Unknown;
    })();

    k8sobjects.Time = (function() {

        /**
         * Properties of a Time.
         * @typedef {Object} k8sobjects.Time.$Properties
         * @property {number|Long|null} [seconds] Time seconds
         * @property {number|null} [nanos] Time nanos
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */

        /**
         * Properties of a Time.
         * @memberof k8sobjects
         * @interface ITime
         * @augments k8sobjects.Time.$Properties
         * @deprecated Use k8sobjects.Time.$Properties instead.
         */

        /**
         * Shape of a Time.
         * @typedef {k8sobjects.Time.$Properties} k8sobjects.Time.$Shape
         */

        /**
         * Constructs a new Time.
         * @memberof k8sobjects
         * @classdesc Represents a Time.
         * @constructor
         * @param {k8sobjects.Time.$Properties=} [properties] Properties to set
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */
        const Time = function (properties) {
            if (properties)
                for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        };

        /**
         * Time seconds.
         * @member {number|Long} seconds
         * @memberof k8sobjects.Time
         * @instance
         */
        Time.prototype.seconds = $util.Long ? $util.Long.fromBits(0,0,false) : 0;

        /**
         * Time nanos.
         * @member {number} nanos
         * @memberof k8sobjects.Time
         * @instance
         */
        Time.prototype.nanos = 0;

        /**
         * Encodes the specified Time message. Does not implicitly {@link k8sobjects.Time.verify|verify} messages.
         * @function encode
         * @memberof k8sobjects.Time
         * @static
         * @param {k8sobjects.Time.$Properties} message Time message or plain object to encode
         * @param {$protobuf.Writer} [writer] Writer to encode to
         * @returns {$protobuf.Writer} Writer
         */
        Time.encode = function (message, writer, _depth) {
            if (!writer)
                writer = $Writer.create();
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $util.recursionLimit)
                throw $Error("max depth exceeded");
            if (message.seconds != null && $Object.hasOwnProperty.call(message, "seconds"))
                writer.uint32(/* id 1, wireType 0 =*/8).int64(message.seconds);
            if (message.nanos != null && $Object.hasOwnProperty.call(message, "nanos"))
                writer.uint32(/* id 2, wireType 0 =*/16).int32(message.nanos);
            if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                for (let i = 0; i < message.$unknowns.length; ++i)
                    writer.raw(message.$unknowns[i]);
            return writer;
        };

        /**
         * Decodes a Time message from the specified reader or buffer.
         * @function decode
         * @memberof k8sobjects.Time
         * @static
         * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
         * @param {number} [length] Message length if known beforehand
         * @returns {k8sobjects.Time & k8sobjects.Time.$Shape} Time
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        Time.decode = function (reader, length, _end, _depth, _target) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $Reader.recursionLimit)
                throw $Error("max depth exceeded");
            let end, message;
            if (length === $undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw $RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = _target || new $root.k8sobjects.Time();
            while (reader.pos < end) {
                let start = reader.pos;
                let tag = reader.tag();
                if (tag === _end) {
                    _end = $undefined;
                    break;
                }
                let wireType = tag & 7;
                switch (tag >>>= 3) {
                case 1: {
                        if (wireType !== 0)
                            break;
                        message.seconds = reader.int64();
                        continue;
                    }
                case 2: {
                        if (wireType !== 0)
                            break;
                        message.nanos = reader.int32();
                        continue;
                    }
                }
                reader.skipType(wireType, _depth, tag);
                if (!reader.discardUnknown) {
                    $util.makeProp(message, "$unknowns", false);
                    (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                }
            }
            if (length !== $undefined) {
                if (reader.pos !== end)
                    throw $RangeError("index out of range");
                reader.len = length;
            }
            if (_end !== $undefined)
                throw $Error("missing end group");
            return message;
        };

        /**
         * Gets the type url for Time
         * @function getTypeUrl
         * @memberof k8sobjects.Time
         * @static
         * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns {string} The type url
         */
        Time.getTypeUrl = function(prefix) {
            if (prefix === $undefined)
                prefix = "type.googleapis.com";
            return prefix + "/k8sobjects.Time";
        };

        return Time;
    })();

    k8sobjects.ObjectMeta = (function() {

        /**
         * Properties of an ObjectMeta.
         * @typedef {Object} k8sobjects.ObjectMeta.$Properties
         * @property {string|null} [name] ObjectMeta name
         * @property {string|null} [generateName] ObjectMeta generateName
         * @property {string|null} [namespace] ObjectMeta namespace
         * @property {string|null} [uid] ObjectMeta uid
         * @property {string|null} [resourceVersion] ObjectMeta resourceVersion
         * @property {k8sobjects.Time.$Properties|null} [creationTimestamp] ObjectMeta creationTimestamp
         * @property {Object.<string,string>|null} [labels] ObjectMeta labels
         * @property {Object.<string,string>|null} [annotations] ObjectMeta annotations
         * @property {Array.<string>|null} [finalizers] ObjectMeta finalizers
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */

        /**
         * Properties of an ObjectMeta.
         * @memberof k8sobjects
         * @interface IObjectMeta
         * @augments k8sobjects.ObjectMeta.$Properties
         * @deprecated Use k8sobjects.ObjectMeta.$Properties instead.
         */

        /**
         * Shape of an ObjectMeta.
         * @typedef {k8sobjects.ObjectMeta.$Properties} k8sobjects.ObjectMeta.$Shape
         */

        /**
         * Constructs a new ObjectMeta.
         * @memberof k8sobjects
         * @classdesc Represents an ObjectMeta.
         * @constructor
         * @param {k8sobjects.ObjectMeta.$Properties=} [properties] Properties to set
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */
        const ObjectMeta = function (properties) {
            this.labels = {};
            this.annotations = {};
            this.finalizers = [];
            if (properties)
                for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        };

        /**
         * ObjectMeta name.
         * @member {string} name
         * @memberof k8sobjects.ObjectMeta
         * @instance
         */
        ObjectMeta.prototype.name = "";

        /**
         * ObjectMeta generateName.
         * @member {string} generateName
         * @memberof k8sobjects.ObjectMeta
         * @instance
         */
        ObjectMeta.prototype.generateName = "";

        /**
         * ObjectMeta namespace.
         * @member {string} namespace
         * @memberof k8sobjects.ObjectMeta
         * @instance
         */
        ObjectMeta.prototype.namespace = "";

        /**
         * ObjectMeta uid.
         * @member {string} uid
         * @memberof k8sobjects.ObjectMeta
         * @instance
         */
        ObjectMeta.prototype.uid = "";

        /**
         * ObjectMeta resourceVersion.
         * @member {string} resourceVersion
         * @memberof k8sobjects.ObjectMeta
         * @instance
         */
        ObjectMeta.prototype.resourceVersion = "";

        /**
         * ObjectMeta creationTimestamp.
         * @member {k8sobjects.Time.$Properties|null|undefined} creationTimestamp
         * @memberof k8sobjects.ObjectMeta
         * @instance
         */
        ObjectMeta.prototype.creationTimestamp = null;

        /**
         * ObjectMeta labels.
         * @member {Object.<string,string>} labels
         * @memberof k8sobjects.ObjectMeta
         * @instance
         */
        ObjectMeta.prototype.labels = $util.emptyObject;

        /**
         * ObjectMeta annotations.
         * @member {Object.<string,string>} annotations
         * @memberof k8sobjects.ObjectMeta
         * @instance
         */
        ObjectMeta.prototype.annotations = $util.emptyObject;

        /**
         * ObjectMeta finalizers.
         * @member {Array.<string>} finalizers
         * @memberof k8sobjects.ObjectMeta
         * @instance
         */
        ObjectMeta.prototype.finalizers = $util.emptyArray;

        /**
         * Encodes the specified ObjectMeta message. Does not implicitly {@link k8sobjects.ObjectMeta.verify|verify} messages.
         * @function encode
         * @memberof k8sobjects.ObjectMeta
         * @static
         * @param {k8sobjects.ObjectMeta.$Properties} message ObjectMeta message or plain object to encode
         * @param {$protobuf.Writer} [writer] Writer to encode to
         * @returns {$protobuf.Writer} Writer
         */
        ObjectMeta.encode = function (message, writer, _depth) {
            if (!writer)
                writer = $Writer.create();
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $util.recursionLimit)
                throw $Error("max depth exceeded");
            if (message.name != null && $Object.hasOwnProperty.call(message, "name"))
                writer.uint32(/* id 1, wireType 2 =*/10).string(message.name);
            if (message.generateName != null && $Object.hasOwnProperty.call(message, "generateName"))
                writer.uint32(/* id 2, wireType 2 =*/18).string(message.generateName);
            if (message.namespace != null && $Object.hasOwnProperty.call(message, "namespace"))
                writer.uint32(/* id 3, wireType 2 =*/26).string(message.namespace);
            if (message.uid != null && $Object.hasOwnProperty.call(message, "uid"))
                writer.uint32(/* id 5, wireType 2 =*/42).string(message.uid);
            if (message.resourceVersion != null && $Object.hasOwnProperty.call(message, "resourceVersion"))
                writer.uint32(/* id 6, wireType 2 =*/50).string(message.resourceVersion);
            if (message.creationTimestamp != null && $Object.hasOwnProperty.call(message, "creationTimestamp"))
                $root.k8sobjects.Time.encode(message.creationTimestamp, writer.uint32(/* id 8, wireType 2 =*/66).fork(), _depth + 1).ldelim();
            if (message.labels != null && $Object.hasOwnProperty.call(message, "labels"))
                for (let keys = $Object.keys(message.labels), i = 0; i < keys.length; ++i)
                    writer.uint32(/* id 11, wireType 2 =*/90).fork().uint32(/* id 1, wireType 2 =*/10).string(keys[i]).uint32(/* id 2, wireType 2 =*/18).string(message.labels[keys[i]]).ldelim();
            if (message.annotations != null && $Object.hasOwnProperty.call(message, "annotations"))
                for (let keys = $Object.keys(message.annotations), i = 0; i < keys.length; ++i)
                    writer.uint32(/* id 12, wireType 2 =*/98).fork().uint32(/* id 1, wireType 2 =*/10).string(keys[i]).uint32(/* id 2, wireType 2 =*/18).string(message.annotations[keys[i]]).ldelim();
            if (message.finalizers != null && message.finalizers.length)
                for (let i = 0; i < message.finalizers.length; ++i)
                    writer.uint32(/* id 14, wireType 2 =*/114).string(message.finalizers[i]);
            if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                for (let i = 0; i < message.$unknowns.length; ++i)
                    writer.raw(message.$unknowns[i]);
            return writer;
        };

        /**
         * Decodes an ObjectMeta message from the specified reader or buffer.
         * @function decode
         * @memberof k8sobjects.ObjectMeta
         * @static
         * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
         * @param {number} [length] Message length if known beforehand
         * @returns {k8sobjects.ObjectMeta & k8sobjects.ObjectMeta.$Shape} ObjectMeta
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        ObjectMeta.decode = function (reader, length, _end, _depth, _target) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $Reader.recursionLimit)
                throw $Error("max depth exceeded");
            let end, message, key, value;
            if (length === $undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw $RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = _target || new $root.k8sobjects.ObjectMeta();
            while (reader.pos < end) {
                let start = reader.pos;
                let tag = reader.tag();
                if (tag === _end) {
                    _end = $undefined;
                    break;
                }
                let wireType = tag & 7;
                switch (tag >>>= 3) {
                case 1: {
                        if (wireType !== 2)
                            break;
                        message.name = reader.string();
                        continue;
                    }
                case 2: {
                        if (wireType !== 2)
                            break;
                        message.generateName = reader.string();
                        continue;
                    }
                case 3: {
                        if (wireType !== 2)
                            break;
                        message.namespace = reader.string();
                        continue;
                    }
                case 5: {
                        if (wireType !== 2)
                            break;
                        message.uid = reader.string();
                        continue;
                    }
                case 6: {
                        if (wireType !== 2)
                            break;
                        message.resourceVersion = reader.string();
                        continue;
                    }
                case 8: {
                        if (wireType !== 2)
                            break;
                        message.creationTimestamp = $root.k8sobjects.Time.decode(reader, reader.size(), $undefined, _depth + 1, message.creationTimestamp);
                        continue;
                    }
                case 11: {
                        if (wireType !== 2)
                            break;
                        if (message.labels === $util.emptyObject)
                            message.labels = {};
                        let end2 = reader.size() + reader.pos;
                        if (end2 > reader.len)
                            throw $RangeError("index out of range");
                        reader.len = end2;
                        key = "";
                        value = "";
                        while (reader.pos < end2) {
                            let tag2 = reader.tag();
                            wireType = tag2 & 7;
                            switch (tag2 >>>= 3) {
                            case 1:
                                if (wireType !== 2)
                                    break;
                                key = reader.string();
                                continue;
                            case 2:
                                if (wireType !== 2)
                                    break;
                                value = reader.string();
                                continue;
                            }
                            reader.skipType(wireType, _depth, tag2);
                        }
                        if (reader.pos !== end2)
                            throw $RangeError("index out of range");
                        reader.len = end;
                        if (key === "__proto__")
                            $util.makeProp(message.labels, key);
                        message.labels[key] = value;
                        continue;
                    }
                case 12: {
                        if (wireType !== 2)
                            break;
                        if (message.annotations === $util.emptyObject)
                            message.annotations = {};
                        let end2 = reader.size() + reader.pos;
                        if (end2 > reader.len)
                            throw $RangeError("index out of range");
                        reader.len = end2;
                        key = "";
                        value = "";
                        while (reader.pos < end2) {
                            let tag2 = reader.tag();
                            wireType = tag2 & 7;
                            switch (tag2 >>>= 3) {
                            case 1:
                                if (wireType !== 2)
                                    break;
                                key = reader.string();
                                continue;
                            case 2:
                                if (wireType !== 2)
                                    break;
                                value = reader.string();
                                continue;
                            }
                            reader.skipType(wireType, _depth, tag2);
                        }
                        if (reader.pos !== end2)
                            throw $RangeError("index out of range");
                        reader.len = end;
                        if (key === "__proto__")
                            $util.makeProp(message.annotations, key);
                        message.annotations[key] = value;
                        continue;
                    }
                case 14: {
                        if (wireType !== 2)
                            break;
                        if (!(message.finalizers && message.finalizers.length))
                            message.finalizers = [];
                        message.finalizers.push(reader.string());
                        continue;
                    }
                }
                reader.skipType(wireType, _depth, tag);
                if (!reader.discardUnknown) {
                    $util.makeProp(message, "$unknowns", false);
                    (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                }
            }
            if (length !== $undefined) {
                if (reader.pos !== end)
                    throw $RangeError("index out of range");
                reader.len = length;
            }
            if (_end !== $undefined)
                throw $Error("missing end group");
            return message;
        };

        /**
         * Gets the type url for ObjectMeta
         * @function getTypeUrl
         * @memberof k8sobjects.ObjectMeta
         * @static
         * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns {string} The type url
         */
        ObjectMeta.getTypeUrl = function(prefix) {
            if (prefix === $undefined)
                prefix = "type.googleapis.com";
            return prefix + "/k8sobjects.ObjectMeta";
        };

        return ObjectMeta;
    })();

    k8sobjects.Secret = (function() {

        /**
         * Properties of a Secret.
         * @typedef {Object} k8sobjects.Secret.$Properties
         * @property {k8sobjects.ObjectMeta.$Properties|null} [metadata] Secret metadata
         * @property {Object.<string,Uint8Array>|null} [data] Secret data
         * @property {string|null} [type] Secret type
         * @property {Object.<string,string>|null} [stringData] Secret stringData
         * @property {boolean|null} [immutable] Secret immutable
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */

        /**
         * Properties of a Secret.
         * @memberof k8sobjects
         * @interface ISecret
         * @augments k8sobjects.Secret.$Properties
         * @deprecated Use k8sobjects.Secret.$Properties instead.
         */

        /**
         * Shape of a Secret.
         * @typedef {k8sobjects.Secret.$Properties} k8sobjects.Secret.$Shape
         */

        /**
         * Constructs a new Secret.
         * @memberof k8sobjects
         * @classdesc Represents a Secret.
         * @constructor
         * @param {k8sobjects.Secret.$Properties=} [properties] Properties to set
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */
        const Secret = function (properties) {
            this.data = {};
            this.stringData = {};
            if (properties)
                for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        };

        /**
         * Secret metadata.
         * @member {k8sobjects.ObjectMeta.$Properties|null|undefined} metadata
         * @memberof k8sobjects.Secret
         * @instance
         */
        Secret.prototype.metadata = null;

        /**
         * Secret data.
         * @member {Object.<string,Uint8Array>} data
         * @memberof k8sobjects.Secret
         * @instance
         */
        Secret.prototype.data = $util.emptyObject;

        /**
         * Secret type.
         * @member {string} type
         * @memberof k8sobjects.Secret
         * @instance
         */
        Secret.prototype.type = "";

        /**
         * Secret stringData.
         * @member {Object.<string,string>} stringData
         * @memberof k8sobjects.Secret
         * @instance
         */
        Secret.prototype.stringData = $util.emptyObject;

        /**
         * Secret immutable.
         * @member {boolean} immutable
         * @memberof k8sobjects.Secret
         * @instance
         */
        Secret.prototype.immutable = false;

        /**
         * Encodes the specified Secret message. Does not implicitly {@link k8sobjects.Secret.verify|verify} messages.
         * @function encode
         * @memberof k8sobjects.Secret
         * @static
         * @param {k8sobjects.Secret.$Properties} message Secret message or plain object to encode
         * @param {$protobuf.Writer} [writer] Writer to encode to
         * @returns {$protobuf.Writer} Writer
         */
        Secret.encode = function (message, writer, _depth) {
            if (!writer)
                writer = $Writer.create();
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $util.recursionLimit)
                throw $Error("max depth exceeded");
            if (message.metadata != null && $Object.hasOwnProperty.call(message, "metadata"))
                $root.k8sobjects.ObjectMeta.encode(message.metadata, writer.uint32(/* id 1, wireType 2 =*/10).fork(), _depth + 1).ldelim();
            if (message.data != null && $Object.hasOwnProperty.call(message, "data"))
                for (let keys = $Object.keys(message.data), i = 0; i < keys.length; ++i)
                    writer.uint32(/* id 2, wireType 2 =*/18).fork().uint32(/* id 1, wireType 2 =*/10).string(keys[i]).uint32(/* id 2, wireType 2 =*/18).bytes(message.data[keys[i]]).ldelim();
            if (message.type != null && $Object.hasOwnProperty.call(message, "type"))
                writer.uint32(/* id 3, wireType 2 =*/26).string(message.type);
            if (message.stringData != null && $Object.hasOwnProperty.call(message, "stringData"))
                for (let keys = $Object.keys(message.stringData), i = 0; i < keys.length; ++i)
                    writer.uint32(/* id 4, wireType 2 =*/34).fork().uint32(/* id 1, wireType 2 =*/10).string(keys[i]).uint32(/* id 2, wireType 2 =*/18).string(message.stringData[keys[i]]).ldelim();
            if (message.immutable != null && $Object.hasOwnProperty.call(message, "immutable"))
                writer.uint32(/* id 5, wireType 0 =*/40).bool(message.immutable);
            if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                for (let i = 0; i < message.$unknowns.length; ++i)
                    writer.raw(message.$unknowns[i]);
            return writer;
        };

        /**
         * Decodes a Secret message from the specified reader or buffer.
         * @function decode
         * @memberof k8sobjects.Secret
         * @static
         * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
         * @param {number} [length] Message length if known beforehand
         * @returns {k8sobjects.Secret & k8sobjects.Secret.$Shape} Secret
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        Secret.decode = function (reader, length, _end, _depth, _target) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $Reader.recursionLimit)
                throw $Error("max depth exceeded");
            let end, message, key, value;
            if (length === $undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw $RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = _target || new $root.k8sobjects.Secret();
            while (reader.pos < end) {
                let start = reader.pos;
                let tag = reader.tag();
                if (tag === _end) {
                    _end = $undefined;
                    break;
                }
                let wireType = tag & 7;
                switch (tag >>>= 3) {
                case 1: {
                        if (wireType !== 2)
                            break;
                        message.metadata = $root.k8sobjects.ObjectMeta.decode(reader, reader.size(), $undefined, _depth + 1, message.metadata);
                        continue;
                    }
                case 2: {
                        if (wireType !== 2)
                            break;
                        if (message.data === $util.emptyObject)
                            message.data = {};
                        let end2 = reader.size() + reader.pos;
                        if (end2 > reader.len)
                            throw $RangeError("index out of range");
                        reader.len = end2;
                        key = "";
                        value = $util.newBuffer([]);
                        while (reader.pos < end2) {
                            let tag2 = reader.tag();
                            wireType = tag2 & 7;
                            switch (tag2 >>>= 3) {
                            case 1:
                                if (wireType !== 2)
                                    break;
                                key = reader.string();
                                continue;
                            case 2:
                                if (wireType !== 2)
                                    break;
                                value = reader.bytes();
                                continue;
                            }
                            reader.skipType(wireType, _depth, tag2);
                        }
                        if (reader.pos !== end2)
                            throw $RangeError("index out of range");
                        reader.len = end;
                        if (key === "__proto__")
                            $util.makeProp(message.data, key);
                        message.data[key] = value;
                        continue;
                    }
                case 3: {
                        if (wireType !== 2)
                            break;
                        message.type = reader.string();
                        continue;
                    }
                case 4: {
                        if (wireType !== 2)
                            break;
                        if (message.stringData === $util.emptyObject)
                            message.stringData = {};
                        let end2 = reader.size() + reader.pos;
                        if (end2 > reader.len)
                            throw $RangeError("index out of range");
                        reader.len = end2;
                        key = "";
                        value = "";
                        while (reader.pos < end2) {
                            let tag2 = reader.tag();
                            wireType = tag2 & 7;
                            switch (tag2 >>>= 3) {
                            case 1:
                                if (wireType !== 2)
                                    break;
                                key = reader.string();
                                continue;
                            case 2:
                                if (wireType !== 2)
                                    break;
                                value = reader.string();
                                continue;
                            }
                            reader.skipType(wireType, _depth, tag2);
                        }
                        if (reader.pos !== end2)
                            throw $RangeError("index out of range");
                        reader.len = end;
                        if (key === "__proto__")
                            $util.makeProp(message.stringData, key);
                        message.stringData[key] = value;
                        continue;
                    }
                case 5: {
                        if (wireType !== 0)
                            break;
                        message.immutable = reader.bool();
                        continue;
                    }
                }
                reader.skipType(wireType, _depth, tag);
                if (!reader.discardUnknown) {
                    $util.makeProp(message, "$unknowns", false);
                    (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                }
            }
            if (length !== $undefined) {
                if (reader.pos !== end)
                    throw $RangeError("index out of range");
                reader.len = length;
            }
            if (_end !== $undefined)
                throw $Error("missing end group");
            return message;
        };

        /**
         * Gets the type url for Secret
         * @function getTypeUrl
         * @memberof k8sobjects.Secret
         * @static
         * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns {string} The type url
         */
        Secret.getTypeUrl = function(prefix) {
            if (prefix === $undefined)
                prefix = "type.googleapis.com";
            return prefix + "/k8sobjects.Secret";
        };

        return Secret;
    })();

    k8sobjects.ConfigMap = (function() {

        /**
         * Properties of a ConfigMap.
         * @typedef {Object} k8sobjects.ConfigMap.$Properties
         * @property {k8sobjects.ObjectMeta.$Properties|null} [metadata] ConfigMap metadata
         * @property {Object.<string,string>|null} [data] ConfigMap data
         * @property {Object.<string,Uint8Array>|null} [binaryData] ConfigMap binaryData
         * @property {boolean|null} [immutable] ConfigMap immutable
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */

        /**
         * Properties of a ConfigMap.
         * @memberof k8sobjects
         * @interface IConfigMap
         * @augments k8sobjects.ConfigMap.$Properties
         * @deprecated Use k8sobjects.ConfigMap.$Properties instead.
         */

        /**
         * Shape of a ConfigMap.
         * @typedef {k8sobjects.ConfigMap.$Properties} k8sobjects.ConfigMap.$Shape
         */

        /**
         * Constructs a new ConfigMap.
         * @memberof k8sobjects
         * @classdesc Represents a ConfigMap.
         * @constructor
         * @param {k8sobjects.ConfigMap.$Properties=} [properties] Properties to set
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */
        const ConfigMap = function (properties) {
            this.data = {};
            this.binaryData = {};
            if (properties)
                for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        };

        /**
         * ConfigMap metadata.
         * @member {k8sobjects.ObjectMeta.$Properties|null|undefined} metadata
         * @memberof k8sobjects.ConfigMap
         * @instance
         */
        ConfigMap.prototype.metadata = null;

        /**
         * ConfigMap data.
         * @member {Object.<string,string>} data
         * @memberof k8sobjects.ConfigMap
         * @instance
         */
        ConfigMap.prototype.data = $util.emptyObject;

        /**
         * ConfigMap binaryData.
         * @member {Object.<string,Uint8Array>} binaryData
         * @memberof k8sobjects.ConfigMap
         * @instance
         */
        ConfigMap.prototype.binaryData = $util.emptyObject;

        /**
         * ConfigMap immutable.
         * @member {boolean} immutable
         * @memberof k8sobjects.ConfigMap
         * @instance
         */
        ConfigMap.prototype.immutable = false;

        /**
         * Encodes the specified ConfigMap message. Does not implicitly {@link k8sobjects.ConfigMap.verify|verify} messages.
         * @function encode
         * @memberof k8sobjects.ConfigMap
         * @static
         * @param {k8sobjects.ConfigMap.$Properties} message ConfigMap message or plain object to encode
         * @param {$protobuf.Writer} [writer] Writer to encode to
         * @returns {$protobuf.Writer} Writer
         */
        ConfigMap.encode = function (message, writer, _depth) {
            if (!writer)
                writer = $Writer.create();
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $util.recursionLimit)
                throw $Error("max depth exceeded");
            if (message.metadata != null && $Object.hasOwnProperty.call(message, "metadata"))
                $root.k8sobjects.ObjectMeta.encode(message.metadata, writer.uint32(/* id 1, wireType 2 =*/10).fork(), _depth + 1).ldelim();
            if (message.data != null && $Object.hasOwnProperty.call(message, "data"))
                for (let keys = $Object.keys(message.data), i = 0; i < keys.length; ++i)
                    writer.uint32(/* id 2, wireType 2 =*/18).fork().uint32(/* id 1, wireType 2 =*/10).string(keys[i]).uint32(/* id 2, wireType 2 =*/18).string(message.data[keys[i]]).ldelim();
            if (message.binaryData != null && $Object.hasOwnProperty.call(message, "binaryData"))
                for (let keys = $Object.keys(message.binaryData), i = 0; i < keys.length; ++i)
                    writer.uint32(/* id 3, wireType 2 =*/26).fork().uint32(/* id 1, wireType 2 =*/10).string(keys[i]).uint32(/* id 2, wireType 2 =*/18).bytes(message.binaryData[keys[i]]).ldelim();
            if (message.immutable != null && $Object.hasOwnProperty.call(message, "immutable"))
                writer.uint32(/* id 4, wireType 0 =*/32).bool(message.immutable);
            if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                for (let i = 0; i < message.$unknowns.length; ++i)
                    writer.raw(message.$unknowns[i]);
            return writer;
        };

        /**
         * Decodes a ConfigMap message from the specified reader or buffer.
         * @function decode
         * @memberof k8sobjects.ConfigMap
         * @static
         * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
         * @param {number} [length] Message length if known beforehand
         * @returns {k8sobjects.ConfigMap & k8sobjects.ConfigMap.$Shape} ConfigMap
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        ConfigMap.decode = function (reader, length, _end, _depth, _target) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $Reader.recursionLimit)
                throw $Error("max depth exceeded");
            let end, message, key, value;
            if (length === $undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw $RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = _target || new $root.k8sobjects.ConfigMap();
            while (reader.pos < end) {
                let start = reader.pos;
                let tag = reader.tag();
                if (tag === _end) {
                    _end = $undefined;
                    break;
                }
                let wireType = tag & 7;
                switch (tag >>>= 3) {
                case 1: {
                        if (wireType !== 2)
                            break;
                        message.metadata = $root.k8sobjects.ObjectMeta.decode(reader, reader.size(), $undefined, _depth + 1, message.metadata);
                        continue;
                    }
                case 2: {
                        if (wireType !== 2)
                            break;
                        if (message.data === $util.emptyObject)
                            message.data = {};
                        let end2 = reader.size() + reader.pos;
                        if (end2 > reader.len)
                            throw $RangeError("index out of range");
                        reader.len = end2;
                        key = "";
                        value = "";
                        while (reader.pos < end2) {
                            let tag2 = reader.tag();
                            wireType = tag2 & 7;
                            switch (tag2 >>>= 3) {
                            case 1:
                                if (wireType !== 2)
                                    break;
                                key = reader.string();
                                continue;
                            case 2:
                                if (wireType !== 2)
                                    break;
                                value = reader.string();
                                continue;
                            }
                            reader.skipType(wireType, _depth, tag2);
                        }
                        if (reader.pos !== end2)
                            throw $RangeError("index out of range");
                        reader.len = end;
                        if (key === "__proto__")
                            $util.makeProp(message.data, key);
                        message.data[key] = value;
                        continue;
                    }
                case 3: {
                        if (wireType !== 2)
                            break;
                        if (message.binaryData === $util.emptyObject)
                            message.binaryData = {};
                        let end2 = reader.size() + reader.pos;
                        if (end2 > reader.len)
                            throw $RangeError("index out of range");
                        reader.len = end2;
                        key = "";
                        value = $util.newBuffer([]);
                        while (reader.pos < end2) {
                            let tag2 = reader.tag();
                            wireType = tag2 & 7;
                            switch (tag2 >>>= 3) {
                            case 1:
                                if (wireType !== 2)
                                    break;
                                key = reader.string();
                                continue;
                            case 2:
                                if (wireType !== 2)
                                    break;
                                value = reader.bytes();
                                continue;
                            }
                            reader.skipType(wireType, _depth, tag2);
                        }
                        if (reader.pos !== end2)
                            throw $RangeError("index out of range");
                        reader.len = end;
                        if (key === "__proto__")
                            $util.makeProp(message.binaryData, key);
                        message.binaryData[key] = value;
                        continue;
                    }
                case 4: {
                        if (wireType !== 0)
                            break;
                        message.immutable = reader.bool();
                        continue;
                    }
                }
                reader.skipType(wireType, _depth, tag);
                if (!reader.discardUnknown) {
                    $util.makeProp(message, "$unknowns", false);
                    (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                }
            }
            if (length !== $undefined) {
                if (reader.pos !== end)
                    throw $RangeError("index out of range");
                reader.len = length;
            }
            if (_end !== $undefined)
                throw $Error("missing end group");
            return message;
        };

        /**
         * Gets the type url for ConfigMap
         * @function getTypeUrl
         * @memberof k8sobjects.ConfigMap
         * @static
         * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns {string} The type url
         */
        ConfigMap.getTypeUrl = function(prefix) {
            if (prefix === $undefined)
                prefix = "type.googleapis.com";
            return prefix + "/k8sobjects.ConfigMap";
        };

        return ConfigMap;
    })();

    return k8sobjects;
})();

export {
  $root as default
};
