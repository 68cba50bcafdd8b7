// Pod volumes (core/v1 Volume and every VolumeSource a pod may name). Field numbers from
// k8s.io/api core/v1 generated.proto; `Volume` embeds `VolumeSource` at field 2, so each source
// carries x-pb-embed 2.
import { Type, type Static, K8S_EXT, opt, str, bool, int32, int64, quantity, stringMap, atomicList, object } from '../../schema.js';
import { use, LabelSelector } from '../../meta/v1/types.js';
import { emb } from './pb-embed.js';
import { LocalObjectReference } from './common.js';
import { PersistentVolumeClaimTemplate } from './pvc-template.js';

const CORE = 'io.k8s.api.core.v1';

export const KeyToPath = object(`${CORE}.KeyToPath`, {
  key: opt(1, str()),
  path: opt(2, str()),
  mode: opt(3, int32()),
}, 'Maps a string key to a path within a volume.');

export const ObjectFieldSelector = Type.Object({
  apiVersion: opt(1, str()),
  fieldPath: opt(2, str()),
}, { $id: `${CORE}.ObjectFieldSelector`, additionalProperties: false, [K8S_EXT.mapType]: 'atomic', description: 'ObjectFieldSelector selects an APIVersioned field of an object.' });

export const ResourceFieldSelector = Type.Object({
  containerName: opt(1, str()),
  resource: opt(2, str()),
  divisor: opt(3, quantity()),
}, { $id: `${CORE}.ResourceFieldSelector`, additionalProperties: false, [K8S_EXT.mapType]: 'atomic', description: 'ResourceFieldSelector represents container resources (cpu, memory) and their output format' });

export const HostPathVolumeSource = object(`${CORE}.HostPathVolumeSource`, { path: opt(1, str()), type: opt(2, str()) }, 'Represents a host path mapped into a pod.');
export const EmptyDirVolumeSource = object(`${CORE}.EmptyDirVolumeSource`, { medium: opt(1, str()), sizeLimit: opt(2, quantity()) }, 'Represents an empty directory for a pod.');
export const SecretVolumeSource = object(`${CORE}.SecretVolumeSource`, {
  secretName: opt(1, str()),
  items: opt(2, atomicList(use(KeyToPath))),
  defaultMode: opt(3, int32()),
  optional: opt(4, bool()),
}, 'Adapts a Secret into a volume.');
export const ConfigMapVolumeSource = object(`${CORE}.ConfigMapVolumeSource`, {
  name: emb(1, 1, str()),
  items: opt(2, atomicList(use(KeyToPath))),
  defaultMode: opt(3, int32()),
  optional: opt(4, bool()),
}, 'Adapts a ConfigMap into a volume.');
export const NFSVolumeSource = object(`${CORE}.NFSVolumeSource`, { server: opt(1, str()), path: opt(2, str()), readOnly: opt(3, bool()) }, 'Represents an NFS mount that lasts the lifetime of a pod.');
export const PersistentVolumeClaimVolumeSource = object(`${CORE}.PersistentVolumeClaimVolumeSource`, { claimName: opt(1, str()), readOnly: opt(2, bool()) }, "PersistentVolumeClaimVolumeSource references the user's PVC in the same namespace.");

export const DownwardAPIVolumeFile = object(`${CORE}.DownwardAPIVolumeFile`, {
  path: opt(1, str()),
  fieldRef: opt(2, use(ObjectFieldSelector)),
  resourceFieldRef: opt(3, use(ResourceFieldSelector)),
  mode: opt(4, int32()),
}, 'DownwardAPIVolumeFile represents information to create the file containing the pod field');
export const DownwardAPIVolumeSource = object(`${CORE}.DownwardAPIVolumeSource`, {
  items: opt(1, atomicList(use(DownwardAPIVolumeFile))),
  defaultMode: opt(2, int32()),
}, 'DownwardAPIVolumeSource represents a volume containing downward API info.');
export const DownwardAPIProjection = object(`${CORE}.DownwardAPIProjection`, {
  items: opt(1, atomicList(use(DownwardAPIVolumeFile))),
}, 'Represents downward API info for projecting into a projected volume.');
export const ConfigMapProjection = object(`${CORE}.ConfigMapProjection`, {
  name: emb(1, 1, str()),
  items: opt(2, atomicList(use(KeyToPath))),
  optional: opt(4, bool()),
}, 'Adapts a ConfigMap into a projected volume.');
export const SecretProjection = object(`${CORE}.SecretProjection`, {
  name: emb(1, 1, str()),
  items: opt(2, atomicList(use(KeyToPath))),
  optional: opt(4, bool()),
}, 'Adapts a secret into a projected volume.');
export const ServiceAccountTokenProjection = object(`${CORE}.ServiceAccountTokenProjection`, {
  audience: opt(1, str()),
  expirationSeconds: opt(2, int64()),
  path: opt(3, str()),
}, 'ServiceAccountTokenProjection represents a projected service account token volume.');
export const ClusterTrustBundleProjection = object(`${CORE}.ClusterTrustBundleProjection`, {
  name: opt(1, str()),
  signerName: opt(2, str()),
  labelSelector: opt(3, use(LabelSelector)),
  optional: opt(5, bool()),
  path: opt(4, str()),
}, 'ClusterTrustBundleProjection describes how to select a set of ClusterTrustBundle objects and project their contents into the pod filesystem.');
export const PodCertificateProjection = object(`${CORE}.PodCertificateProjection`, {
  signerName: opt(1, str()),
  keyType: opt(2, str()),
  maxExpirationSeconds: opt(3, int32()),
  credentialBundlePath: opt(4, str()),
  keyPath: opt(5, str()),
  certificateChainPath: opt(6, str()),
  userAnnotations: opt(7, stringMap()),
}, 'PodCertificateProjection provides a private key and X.509 certificate in the pod filesystem.');
export const VolumeProjection = object(`${CORE}.VolumeProjection`, {
  secret: opt(1, use(SecretProjection)),
  downwardAPI: opt(2, use(DownwardAPIProjection)),
  configMap: opt(3, use(ConfigMapProjection)),
  serviceAccountToken: opt(4, use(ServiceAccountTokenProjection)),
  clusterTrustBundle: opt(5, use(ClusterTrustBundleProjection)),
  podCertificate: opt(6, use(PodCertificateProjection)),
}, 'Projection that may be projected along with other supported volume types.');
export const ProjectedVolumeSource = object(`${CORE}.ProjectedVolumeSource`, {
  sources: opt(1, atomicList(use(VolumeProjection))),
  defaultMode: opt(2, int32()),
}, 'Represents a projected volume source');

export const CSIVolumeSource = object(`${CORE}.CSIVolumeSource`, {
  driver: opt(1, str()),
  readOnly: opt(2, bool()),
  fsType: opt(3, str()),
  volumeAttributes: opt(4, stringMap()),
  nodePublishSecretRef: opt(5, use(LocalObjectReference)),
}, 'Represents a source location of a volume to mount, managed by an external CSI driver');
export const EphemeralVolumeSource = object(`${CORE}.EphemeralVolumeSource`, {
  volumeClaimTemplate: opt(1, use(PersistentVolumeClaimTemplate)),
}, 'Represents an ephemeral volume that is handled by a normal storage driver.');
export const ImageVolumeSource = object(`${CORE}.ImageVolumeSource`, { reference: opt(1, str()), pullPolicy: opt(2, str()) }, 'ImageVolumeSource represents a image volume resource.');

// Older in-tree sources: rarely used, but strict decoding must still accept manifests naming them.
export const GitRepoVolumeSource = object(`${CORE}.GitRepoVolumeSource`, { repository: opt(1, str()), revision: opt(2, str()), directory: opt(3, str()) }, 'Represents a volume that is populated with the contents of a git repository.');
export const AWSElasticBlockStoreVolumeSource = object(`${CORE}.AWSElasticBlockStoreVolumeSource`, { volumeID: opt(1, str()), fsType: opt(2, str()), partition: opt(3, int32()), readOnly: opt(4, bool()) }, 'Represents a Persistent Disk resource in AWS.');
export const GCEPersistentDiskVolumeSource = object(`${CORE}.GCEPersistentDiskVolumeSource`, { pdName: opt(1, str()), fsType: opt(2, str()), partition: opt(3, int32()), readOnly: opt(4, bool()) }, 'Represents a Persistent Disk resource in Google Compute Engine.');
export const ISCSIVolumeSource = object(`${CORE}.ISCSIVolumeSource`, {
  targetPortal: opt(1, str()), iqn: opt(2, str()), lun: opt(3, int32()), iscsiInterface: opt(4, str()), fsType: opt(5, str()), readOnly: opt(6, bool()),
  portals: opt(7, atomicList(str())), chapAuthDiscovery: opt(8, bool()), chapAuthSession: opt(11, bool()), secretRef: opt(10, use(LocalObjectReference)), initiatorName: opt(12, str()),
}, 'Represents an ISCSI disk.');
export const GlusterfsVolumeSource = object(`${CORE}.GlusterfsVolumeSource`, { endpoints: opt(1, str()), path: opt(2, str()), readOnly: opt(3, bool()) }, 'Represents a Glusterfs mount that lasts the lifetime of a pod.');
export const RBDVolumeSource = object(`${CORE}.RBDVolumeSource`, {
  monitors: opt(1, atomicList(str())), image: opt(2, str()), fsType: opt(3, str()), pool: opt(4, str()), user: opt(5, str()), keyring: opt(6, str()), secretRef: opt(7, use(LocalObjectReference)), readOnly: opt(8, bool()),
}, 'Represents a Rados Block Device mount that lasts the lifetime of a pod.');
export const FlexVolumeSource = object(`${CORE}.FlexVolumeSource`, { driver: opt(1, str()), fsType: opt(2, str()), secretRef: opt(3, use(LocalObjectReference)), readOnly: opt(4, bool()), options: opt(5, stringMap()) }, 'FlexVolume represents a generic volume resource that is provisioned/attached using an exec based plugin.');
export const CinderVolumeSource = object(`${CORE}.CinderVolumeSource`, { volumeID: opt(1, str()), fsType: opt(2, str()), readOnly: opt(3, bool()), secretRef: opt(4, use(LocalObjectReference)) }, 'Represents a cinder volume resource in Openstack.');
export const CephFSVolumeSource = object(`${CORE}.CephFSVolumeSource`, {
  monitors: opt(1, atomicList(str())), path: opt(2, str()), user: opt(3, str()), secretFile: opt(4, str()), secretRef: opt(5, use(LocalObjectReference)), readOnly: opt(6, bool()),
}, 'Represents a Ceph Filesystem mount that lasts the lifetime of a pod');
export const FlockerVolumeSource = object(`${CORE}.FlockerVolumeSource`, { datasetName: opt(1, str()), datasetUUID: opt(2, str()) }, 'Represents a Flocker volume mounted by the Flocker agent.');
export const FCVolumeSource = object(`${CORE}.FCVolumeSource`, { targetWWNs: opt(1, atomicList(str())), lun: opt(2, int32()), fsType: opt(3, str()), readOnly: opt(4, bool()), wwids: opt(5, atomicList(str())) }, 'Represents a Fibre Channel volume.');
export const AzureFileVolumeSource = object(`${CORE}.AzureFileVolumeSource`, { secretName: opt(1, str()), shareName: opt(2, str()), readOnly: opt(3, bool()) }, 'AzureFile represents an Azure File Service mount on the host and bind mount to the pod.');
export const AzureDiskVolumeSource = object(`${CORE}.AzureDiskVolumeSource`, { diskName: opt(1, str()), diskURI: opt(2, str()), cachingMode: opt(3, str()), fsType: opt(4, str()), readOnly: opt(5, bool()), kind: opt(6, str()) }, 'AzureDisk represents an Azure Data Disk mount on the host and bind mount to the pod.');
export const VsphereVirtualDiskVolumeSource = object(`${CORE}.VsphereVirtualDiskVolumeSource`, { volumePath: opt(1, str()), fsType: opt(2, str()), storagePolicyName: opt(3, str()), storagePolicyID: opt(4, str()) }, 'Represents a vSphere volume resource.');
export const QuobyteVolumeSource = object(`${CORE}.QuobyteVolumeSource`, { registry: opt(1, str()), volume: opt(2, str()), readOnly: opt(3, bool()), user: opt(4, str()), group: opt(5, str()), tenant: opt(6, str()) }, 'Represents a Quobyte mount that lasts the lifetime of a pod.');
export const PhotonPersistentDiskVolumeSource = object(`${CORE}.PhotonPersistentDiskVolumeSource`, { pdID: opt(1, str()), fsType: opt(2, str()) }, 'Represents a Photon Controller persistent disk resource.');
export const PortworxVolumeSource = object(`${CORE}.PortworxVolumeSource`, { volumeID: opt(1, str()), fsType: opt(2, str()), readOnly: opt(3, bool()) }, 'PortworxVolumeSource represents a Portworx volume resource.');
export const ScaleIOVolumeSource = object(`${CORE}.ScaleIOVolumeSource`, {
  gateway: opt(1, str()), system: opt(2, str()), secretRef: opt(3, use(LocalObjectReference)), sslEnabled: opt(4, bool()), protectionDomain: opt(5, str()),
  storagePool: opt(6, str()), storageMode: opt(7, str()), volumeName: opt(8, str()), fsType: opt(9, str()), readOnly: opt(10, bool()),
}, 'ScaleIOVolumeSource represents a persistent ScaleIO volume');
export const StorageOSVolumeSource = object(`${CORE}.StorageOSVolumeSource`, {
  volumeName: opt(1, str()), volumeNamespace: opt(2, str()), fsType: opt(3, str()), readOnly: opt(4, bool()), secretRef: opt(5, use(LocalObjectReference)),
}, 'Represents a StorageOS persistent volume resource.');

/** The sources as flat JSON properties; in protobuf they live in the embedded VolumeSource (field 2 of Volume). */
function volumeSourceProps(embedField: number) {
  return {
    hostPath: emb(embedField, 1, use(HostPathVolumeSource)),
    emptyDir: emb(embedField, 2, use(EmptyDirVolumeSource)),
    gcePersistentDisk: emb(embedField, 3, use(GCEPersistentDiskVolumeSource)),
    awsElasticBlockStore: emb(embedField, 4, use(AWSElasticBlockStoreVolumeSource)),
    gitRepo: emb(embedField, 5, use(GitRepoVolumeSource)),
    secret: emb(embedField, 6, use(SecretVolumeSource)),
    nfs: emb(embedField, 7, use(NFSVolumeSource)),
    iscsi: emb(embedField, 8, use(ISCSIVolumeSource)),
    glusterfs: emb(embedField, 9, use(GlusterfsVolumeSource)),
    persistentVolumeClaim: emb(embedField, 10, use(PersistentVolumeClaimVolumeSource)),
    rbd: emb(embedField, 11, use(RBDVolumeSource)),
    flexVolume: emb(embedField, 12, use(FlexVolumeSource)),
    cinder: emb(embedField, 13, use(CinderVolumeSource)),
    cephfs: emb(embedField, 14, use(CephFSVolumeSource)),
    flocker: emb(embedField, 15, use(FlockerVolumeSource)),
    downwardAPI: emb(embedField, 16, use(DownwardAPIVolumeSource)),
    fc: emb(embedField, 17, use(FCVolumeSource)),
    azureFile: emb(embedField, 18, use(AzureFileVolumeSource)),
    configMap: emb(embedField, 19, use(ConfigMapVolumeSource)),
    vsphereVolume: emb(embedField, 20, use(VsphereVirtualDiskVolumeSource)),
    quobyte: emb(embedField, 21, use(QuobyteVolumeSource)),
    azureDisk: emb(embedField, 22, use(AzureDiskVolumeSource)),
    photonPersistentDisk: emb(embedField, 23, use(PhotonPersistentDiskVolumeSource)),
    portworxVolume: emb(embedField, 24, use(PortworxVolumeSource)),
    scaleIO: emb(embedField, 25, use(ScaleIOVolumeSource)),
    projected: emb(embedField, 26, use(ProjectedVolumeSource)),
    storageos: emb(embedField, 27, use(StorageOSVolumeSource)),
    csi: emb(embedField, 28, use(CSIVolumeSource)),
    ephemeral: emb(embedField, 29, use(EphemeralVolumeSource)),
    image: emb(embedField, 30, use(ImageVolumeSource)),
  };
}

/** The JSON names of every volume source (validation: exactly one must be set). */
export const VOLUME_SOURCE_KEYS = Object.keys(volumeSourceProps(2));

export const Volume = object(`${CORE}.Volume`, {
  name: opt(1, str()),
  ...volumeSourceProps(2),
}, 'Volume represents a named volume in a pod that may be accessed by any container in the pod.');
export type Volume = Static<typeof Volume>;
