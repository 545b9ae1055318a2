"""Botocore (AWS's own Python model of the Panorama API, from Debian's python3-botocore) against
the simulator: ProvisionDevice, DescribeDevice and ListDevices parsed by botocore's model, and the
model's operation names, printed as one JSON document. Nothing of the archive is printed."""
import json
import sys

import botocore.session

endpoint, name = sys.argv[1], sys.argv[2]
session = botocore.session.get_session()
client = session.create_client(
    "panorama", region_name="us-east-1", endpoint_url=endpoint,
    aws_access_key_id="AKIDEXAMPLE", aws_secret_access_key="example",
)
provisioned = client.provision_device(Name=name, NetworkingConfiguration={"Ethernet0": {"ConnectionType": "DHCP"}})
described = client.describe_device(DeviceId=provisioned["DeviceId"])
listed = client.list_devices(NameFilter=name)
print(json.dumps({
    "operations": sorted(session.get_service_model("panorama").operation_names),
    "provisioned": {"DeviceId": provisioned["DeviceId"], "Status": provisioned["Status"], "hasCertificates": len(provisioned.get("Certificates", b"")) > 0},
    "described": {"DeviceId": described["DeviceId"], "Name": described["Name"], "ProvisioningStatus": described["ProvisioningStatus"]},
    "listed": [device["DeviceId"] for device in listed["Devices"]],
}))
